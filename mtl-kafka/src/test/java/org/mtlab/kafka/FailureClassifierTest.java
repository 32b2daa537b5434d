package org.mtlab.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.ContractException;

class FailureClassifierTest {
    private static final FailureClassifier CLASSIFIER = FailureClassifier.standard();

    /** Stands for a database client's own exception type (Vert.x's PgException): not an SQLException. */
    static final class ClientDatabaseException extends RuntimeException {
        final String sqlState;

        ClientDatabaseException(String message, String sqlState) {
            super(message);
            this.sqlState = sqlState;
        }
    }

    private static FailureClassifier.Kind kind(Throwable t) {
        return CLASSIFIER.classify(t).kind();
    }

    @Test
    void dataAndIntegrityErrorsArePermanentWhereverTheyAreInTheChain() {
        SQLException nul = new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
        assertEquals(FailureClassifier.Kind.PERMANENT, kind(nul));
        assertEquals(FailureClassifier.Kind.PERMANENT, kind(new CompletionException(new IllegalStateException("tx", nul))));
        assertEquals(FailureClassifier.Kind.PERMANENT, kind(new SQLException("value too long", "22001")));
        assertEquals(FailureClassifier.Kind.PERMANENT, kind(new SQLException("duplicate key", "23505")));
        assertEquals(FailureClassifier.Kind.PERMANENT, kind(new SQLException("not null", "23502")));
        String reason = CLASSIFIER.classify(new RuntimeException(nul)).reason();
        assertTrue(reason.contains("22021") && reason.contains("0x00"), reason);
    }

    @Test
    void otherSqlStatesAreTransient() {
        for (String state : new String[] {"08006", "08001", "57P01", "53300", "40001", "40P01", "42P01", "XX000"}) {
            FailureClassifier.Failure f = CLASSIFIER.classify(new SQLException("x", state));
            assertEquals(FailureClassifier.Kind.TRANSIENT, f.kind(), state);
            assertTrue(f.known() && f.reason().contains(state), f.reason());
        }
    }

    @Test
    void connectionsTimeoutsAndKafkaRetriableErrorsAreTransient() {
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(new CompletionException(new ConnectException("refused"))));
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(new UncheckedIOException(new java.net.SocketException("reset"))));
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(new java.util.concurrent.TimeoutException()));
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(new ExecutionException(new NotLeaderOrFollowerException("moved"))));
        assertTrue(CLASSIFIER.classify(new ConnectException("refused")).known());
    }

    @Test
    void contractErrorsAndRejectedRecordsArePermanentWithTheirOwnMessage() {
        FailureClassifier.Failure contract = CLASSIFIER.classify(new ContractException("name", "is required"));
        assertEquals(FailureClassifier.Kind.PERMANENT, contract.kind());
        assertEquals("name: is required", contract.reason());
        assertEquals(FailureClassifier.Kind.PERMANENT,
                kind(new CompletionException(new RecordRejectedException("run x is not known"))));
        // an explicit rejection wins over a transient-looking cause
        assertEquals(FailureClassifier.Kind.PERMANENT,
                kind(new RecordRejectedException("refused", new ConnectException("refused"))));
    }

    @Test
    void unknownFailuresAreTransientAndSaySo() {
        FailureClassifier.Failure f = CLASSIFIER.classify(new IllegalStateException("boom"));
        assertEquals(FailureClassifier.Kind.TRANSIENT, f.kind());
        assertFalse(f.known());
        assertTrue(f.reason().contains("boom"), f.reason());
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(new NullPointerException()));
    }

    @Test
    void aClientExceptionIsReadThroughAnAddedSqlStateReader() {
        ClientDatabaseException pg = new ClientDatabaseException("ERROR: invalid byte sequence (22021)", "22021");
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(pg), "unknown to the standard classifier");
        FailureClassifier withReader = CLASSIFIER.withSqlStateReader(
                t -> t instanceof ClientDatabaseException c ? c.sqlState : null);
        assertEquals(FailureClassifier.Kind.PERMANENT, withReader.classify(new CompletionException(pg)).kind());
        assertEquals(FailureClassifier.Kind.TRANSIENT,
                withReader.classify(new ClientDatabaseException("terminating connection", "57P01")).kind());
    }

    @Test
    void aCyclicCauseChainEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertEquals(FailureClassifier.Kind.TRANSIENT, kind(a));
        assertEquals(2, FailureClassifier.chain(a).size());
    }
}
