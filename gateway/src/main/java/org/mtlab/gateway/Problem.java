package org.mtlab.gateway;

import java.util.List;
import org.mtlab.core.contract.Violation;

/**
 * RFC 9457 problem details. {@code field} names the first offending field; {@code violations} lists all of them.
 */
public record Problem(String type, String title, int status, String detail, String field, List<Violation> violations) {
}
