package org.mtlab.trainer.probe;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A stand-in for a training request consumed on the SmallRye connector: the first record is held (as a run would be,
 * for hours) until {@link #release()}; the later ones return at once. Only in the {@code hold-probe} test profile
 * ({@code ConnectorHoldTest}).
 */
@ApplicationScoped
@IfBuildProfile("hold-probe")
public class HoldProbe {
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @Incoming("hold-probe")
    @Blocking
    public void hold(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        if (received.getAndIncrement() == 0) {
            release.await(120, TimeUnit.SECONDS);
        }
    }

    public int received() {
        return received.get();
    }

    public void release() {
        release.countDown();
    }
}
