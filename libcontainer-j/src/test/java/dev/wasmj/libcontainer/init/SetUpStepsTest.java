package dev.wasmj.libcontainer.init;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SetUpStepsTest {

    @Test
    void theSummaryNamesEachStepInOrderWithItsTime() throws InterruptedException {
        SetUpSteps steps = new SetUpSteps();
        steps.done("plan");
        Thread.sleep(20);
        steps.done("rootfs");
        String summary = steps.summary();
        assertTrue(summary.matches("\\d+ ms in main: plan \\d+ ms, rootfs \\d+ ms"), summary);
        long rootfs = Long.parseLong(summary.replaceAll(".*rootfs (\\d+) ms", "$1"));
        long total = Long.parseLong(summary.replaceAll("^(\\d+) ms.*", "$1"));
        assertTrue(rootfs >= 20 && total >= rootfs, "the sleep is in the rootfs step and in the total: " + summary);
    }
}
