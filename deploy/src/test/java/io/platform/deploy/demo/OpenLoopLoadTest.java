package io.platform.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The A/B bookkeeping behind {@code platform bench observability}: each event counts for the variant it was sent in. */
class OpenLoopLoadTest {
    @Test
    void eventsCountForTheVariantInForceWhenTheyWereSentAndUnassignedOnesCountNowhere() throws InterruptedException {
        OpenLoopLoad load = new OpenLoopLoad();
        long[] sentPerVariant = new long[3];
        int[] batches = {0};
        int[] inForce = {OpenLoopLoad.NO_VARIANT};
        long sent = load.run((firstSeq, count, l) -> {
            sentPerVariant[inForce[0]] += count;
            l.acked(firstSeq, count, true);
            // the first ten batches belong to no variant, then the variants alternate batch by batch
            int batch = ++batches[0];
            inForce[0] = batch < 10 ? OpenLoopLoad.NO_VARIANT : batch % 2;
            l.setVariant(inForce[0]);
        }, 20_000, 0, 1, () -> { }, (second, s, a, interval) -> { });

        assertTrue(sentPerVariant[0] > 1_000 && sentPerVariant[1] > 1_000, "both variants sent events");
        assertTrue(sentPerVariant[OpenLoopLoad.NO_VARIANT] > 0);
        for (int variant = 0; variant < 2; variant++) {
            assertEquals(sentPerVariant[variant], load.variantAcked(variant));
            assertEquals(sentPerVariant[variant], load.variantInterval(variant, null).getTotalCount());
        }
        assertEquals(sent, sentPerVariant[0] + sentPerVariant[1] + sentPerVariant[2]);
        assertEquals(sent, load.awaitAcks(sent, 1_000), "every event acked once, whatever its variant");
    }
}
