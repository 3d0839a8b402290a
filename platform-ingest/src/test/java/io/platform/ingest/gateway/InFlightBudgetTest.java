package io.platform.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.platform.network.FrameConnection;
import org.junit.jupiter.api.Test;

class InFlightBudgetTest {
    /** Records whether the budget paused it; sends nothing. */
    private static final class RecordingConnection implements FrameConnection {
        boolean reading = true;

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf frame) {
            frame.release();
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public String remoteAddress() {
            return "test";
        }

        @Override
        public void setReading(boolean reading) {
            this.reading = reading;
        }
    }

    @Test
    void refusesHttpRequestsThatDoNotFitAndTakesThemOnceReleased() {
        InFlightBudget budget = new InFlightBudget(100);
        assertTrue(budget.tryAcquire(60));
        assertFalse(budget.tryAcquire(41));
        assertEquals(60, budget.inFlight());
        budget.release(60);
        assertTrue(budget.tryAcquire(100));
    }

    @Test
    void pausesTcpReadersOverBudgetAndResumesThemBelowHalf() {
        InFlightBudget budget = new InFlightBudget(100);
        RecordingConnection a = new RecordingConnection();
        RecordingConnection b = new RecordingConnection();
        budget.acquire(80, a);
        assertTrue(a.reading);
        budget.acquire(40, b);
        assertFalse(b.reading, "the connection that went over the budget stops reading");
        budget.release(30);
        assertFalse(b.reading, "90 in flight: still above half the budget");
        budget.release(50);
        assertTrue(b.reading, "40 in flight: below half, reading resumes");
        assertEquals(40, budget.inFlight());
    }
}
