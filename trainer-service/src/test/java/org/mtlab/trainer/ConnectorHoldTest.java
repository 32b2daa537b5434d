package org.mtlab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

/**
 * A record held on the connector with the throttled strategy's unprocessed-record check on (2 s here, 60 s by
 * default): see {@link ConnectorHoldMeasurement}.
 */
@QuarkusTest
@TestProfile(ConnectorHoldMeasurement.HoldProfile.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "postgres", value = "false"))
class ConnectorHoldTest extends ConnectorHoldMeasurement {

    @Test
    void aRecordHeldPastTheAgeLimitGetsTheChannelReportedDeadAndItStopsConsuming()
            throws Exception {
        Held held = holdOneRecord();
        // the throttled strategy's check reports the whole channel dead: in a pod the liveness probe restarts it, and
        // until then nothing more is consumed; closing the failed consumer is the revocation counted
        assertTrue(held.firstDownSeconds() > 0, "liveness was reported DOWN while the record was held");
        // at the strategy's first periodic check after the age is passed
        assertTrue(held.firstDownSeconds() < (UNPROCESSED_MAX_AGE_MS + 3 * COMMIT_INTERVAL_MS) / 1000.0,
                "reported at the first check past the unprocessed-record age, was " + held.firstDownSeconds() + " s");
        assertTrue(held.downReason().contains("waited for"), held.downReason());
        assertEquals(1, held.handedAfterRelease(), "the failed channel hands nothing more to the method (6 s waited)");
        assertFalse(held.liveAfterRelease(), "the failure is not recovered once the record is released");
        // the busy member had already taken the next record from the partition into its queue
        assertTrue(held.furthestPosition() >= 2, "records fetched beyond the held one: position " + held.furthestPosition());
        assertTrue(held.pausedWhileHeld(), "the connector pauses the partition on back-pressure");
    }

}
