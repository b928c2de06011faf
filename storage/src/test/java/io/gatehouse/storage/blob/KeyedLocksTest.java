package io.gatehouse.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try")
class KeyedLocksTest {
    private final KeyedLocks locks = new KeyedLocks();

    @Test
    void locksAreForgottenWhenReleased() {
        for (int i = 0; i < 1000; i++) {
            try (var held = locks.lock("upload-" + i)) {
                assertThat(locks.size()).isEqualTo(1);
            }
        }
        assertThat(locks.size()).isZero();
    }

    @Test
    void oneKeyIsHeldByOneThreadAtATimeAndOtherKeysAreFree() throws Exception {
        var held = locks.lock("a");
        var entered = new CountDownLatch(1);
        var waiter = CompletableFuture.runAsync(() -> {
            try (var second = locks.lock("a")) {
                entered.countDown();
            }
        });

        try (var other = locks.lock("b")) {
            assertThat(other).isNotNull();
        }
        assertThat(entered.getCount()).as("the second holder of 'a' waits").isEqualTo(1);
        assertThat(waiter).isNotDone();

        held.close();
        waiter.get(1, TimeUnit.MINUTES);
        assertThat(entered.getCount()).isZero();
        assertThat(locks.size()).isZero();
    }
}
