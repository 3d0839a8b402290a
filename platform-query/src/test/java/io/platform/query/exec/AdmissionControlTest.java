package io.platform.query.exec;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {
    @Test
    void queuesUpToTheLimitThenRefusesAndAdmitsWaitersWhenASlotFrees() throws Exception {
        AdmissionControl admission = new AdmissionControl(1, 1, 5_000);
        AdmissionControl.Permit running = admission.admit();
        assertNotNull(running);
        CompletableFuture<AdmissionControl.Permit> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return admission.admit();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (admission.queued() == 0) {
            Thread.sleep(1);
        }
        assertNull(admission.admit(), "queue of one is full: refused at once");
        running.close();
        AdmissionControl.Permit admitted = waiter.get(5, TimeUnit.SECONDS);
        assertNotNull(admitted, "the waiter got the freed slot");
        admitted.close();
    }

    @Test
    void givesUpAfterTheMaximumWait() throws Exception {
        AdmissionControl admission = new AdmissionControl(1, 5, 50);
        AdmissionControl.Permit running = admission.admit();
        assertNull(admission.admit(), "timed out waiting");
        running.close();
        assertNotNull(admission.admit());
    }
}
