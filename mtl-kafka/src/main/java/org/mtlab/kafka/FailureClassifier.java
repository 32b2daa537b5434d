package org.mtlab.kafka;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.errors.RetriableException;
import org.mtlab.core.contract.ContractException;

/**
 * Says whether a record's failure is {@link Kind#PERMANENT} (the same record will fail again: dead-letter it now) or
 * {@link Kind#TRANSIENT} (the world may change: retry it within a {@link RetryPolicy}, then dead-letter it). Pure: it
 * looks at the exception and its causes only, so that any consumer — this loop, a SmallRye Reactive Messaging
 * failure handler later — can use it.
 *
 * <p>Rules, over the whole cause chain (a wrapper such as {@code CompletionException} or a Hibernate exception hides
 * nothing):
 * <ul>
 *   <li>permanent: a {@link ContractException} (undecodable or invalid record) or a {@link RecordRejectedException}
 *       (the code refuses the record); a database error of SQLState class 22 (data exception: a NUL in text, a
 *       value out of range, a string too long) or 23 (integrity constraint violation);</li>
 *   <li>transient: any other SQLState (08 connection exception, 40 transaction rollback, 53 insufficient
 *       resources, 57 operator intervention, ...), a socket or I/O error, a timeout, Kafka's retriable errors;</li>
 *   <li>anything else is unknown and taken as transient: retried within the budget, then dead-lettered. Taking an
 *       unknown failure as permanent would dead-letter every record at once when, say, a client library throws an
 *       exception we have not seen during an outage; taking it as transient costs at most the retry budget per record
 *       when it is in fact a bug, and the record still reaches the dead-letter topic with its reason.</li>
 * </ul>
 * The SQLState is read from {@link SQLException#getSQLState()} and from any reader added with
 * {@link #withSqlStateReader} (a service adds Vert.x's {@code DatabaseException#getSqlState}; this module has no
 * database client on its classpath).
 */
public final class FailureClassifier {
    /** What to do with a failed record. */
    public enum Kind { PERMANENT, TRANSIENT }

    /**
     * @param kind   permanent or transient
     * @param reason what a dead letter says about it
     * @param known  false when no rule matched (an unknown failure, taken as transient)
     */
    public record Failure(Kind kind, String reason, boolean known) {
        public boolean permanent() {
            return kind == Kind.PERMANENT;
        }
    }

    private static final int MAX_DEPTH = 64;
    private final List<Function<Throwable, String>> sqlStateReaders;

    private FailureClassifier(List<Function<Throwable, String>> sqlStateReaders) {
        this.sqlStateReaders = List.copyOf(sqlStateReaders);
    }

    /** The rules above, reading SQLStates from {@link SQLException}s. */
    public static FailureClassifier standard() {
        return new FailureClassifier(List.of(t -> t instanceof SQLException sql ? sql.getSQLState() : null));
    }

    /** A copy that also reads the SQLState of the exceptions {@code reader} knows (null for others). */
    public FailureClassifier withSqlStateReader(Function<Throwable, String> reader) {
        List<Function<Throwable, String>> readers = new ArrayList<>(sqlStateReaders);
        readers.add(reader);
        return new FailureClassifier(readers);
    }

    public Failure classify(Throwable error) {
        List<Throwable> chain = chain(error);
        for (Throwable t : chain) {
            if (t instanceof ContractException || t instanceof RecordRejectedException) {
                return new Failure(Kind.PERMANENT, t.getMessage(), true);
            }
        }
        for (Throwable t : chain) {
            String state = sqlState(t);
            if (state != null && state.length() == 5) {
                String sqlClass = state.substring(0, 2);
                if (sqlClass.equals("22") || sqlClass.equals("23")) {
                    return new Failure(Kind.PERMANENT, "the database refused the record's data (SQLState " + state
                            + (sqlClass.equals("22") ? ", data exception" : ", integrity constraint violation") + "): "
                            + t.getMessage(), true);
                }
                return new Failure(Kind.TRANSIENT, "database error (SQLState " + state + "): " + t.getMessage(), true);
            }
        }
        for (Throwable t : chain) {
            // IOException covers the sockets' ConnectException, SocketException and SocketTimeoutException
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
                    || t.getClass().getSimpleName().equals("ClosedConnectionException")) {
                return new Failure(Kind.TRANSIENT, "connection or timeout: " + t, true);
            }
        }
        return new Failure(Kind.TRANSIENT, "unclassified failure: " + error, false);
    }

    private String sqlState(Throwable t) {
        for (Function<Throwable, String> reader : sqlStateReaders) {
            String state = reader.apply(t);
            if (state != null) {
                return state;
            }
        }
        return null;
    }

    /** The error and its causes (and suppressed ones are left out: they did not cause it), each once. */
    static List<Throwable> chain(Throwable error) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && out.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }
}
