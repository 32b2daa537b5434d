package org.mtlab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

/**
 * The same hold as {@link ConnectorHoldTest} with the throttled strategy's unprocessed-record check turned off
 * ({@code throttled.unprocessed-record-max-age.ms=0}), the one setting that avoids its false report.
 */
@QuarkusTest
@TestProfile(ConnectorHoldWithoutAgeCheckTest.NoAgeCheckProfile.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "postgres", value = "false"))
class ConnectorHoldWithoutAgeCheckTest extends ConnectorHoldMeasurement {

    public static class NoAgeCheckProfile extends HoldProfile {
        @Override
        protected int unprocessedMaxAgeMs() {
            return 0;
        }
    }

    @Test
    void withTheCheckOffAHeldRecordCausesNoRebalanceAndNoReport() throws Exception {
        Held held = holdOneRecord();
        assertEquals(0, held.revokedWhileHeld(), "the member keeps its partition while it holds the record");
        assertTrue(held.firstDownSeconds() < 0, "no report: " + held.downReason());
        assertEquals(4, held.handedAfterRelease(), "the records behind the held one are handed over after it");
        assertTrue(held.liveAfterRelease());
        assertTrue(held.furthestPosition() >= 2, "records fetched beyond the held one: position " + held.furthestPosition());
    }
}
