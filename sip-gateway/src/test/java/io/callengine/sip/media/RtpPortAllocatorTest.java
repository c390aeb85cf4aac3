package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RtpPortAllocatorTest {

  private ExecutorService pool;

  @AfterEach
  void stopPool() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void handsOutEveryEvenPortThenRunsOut() {
    RtpPortAllocator allocator = new RtpPortAllocator(RtpPortRange.parse("20000-20007"));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ports.add(allocator.allocate().orElseThrow());
    }
    assertEquals(List.of(20000, 20002, 20004, 20006), ports);
    assertEquals(4, allocator.inUse());
    assertEquals(OptionalInt.empty(), allocator.allocate());
  }

  @Test
  void releasedPortsComeBackLast() {
    RtpPortAllocator allocator = new RtpPortAllocator(RtpPortRange.parse("20000-20005"));
    int first = allocator.allocate().orElseThrow();
    assertTrue(allocator.release(first));
    assertEquals(0, allocator.inUse());
    assertEquals(20002, allocator.allocate().orElseThrow());
    assertEquals(20004, allocator.allocate().orElseThrow());
    assertEquals(first, allocator.allocate().orElseThrow());
    assertEquals(OptionalInt.empty(), allocator.allocate());
  }

  @Test
  void releaseIsIgnoredForPortsNotHandedOut() {
    RtpPortAllocator allocator = new RtpPortAllocator(RtpPortRange.parse("20000-20005"));
    int port = allocator.allocate().orElseThrow();
    assertTrue(allocator.release(port));
    assertFalse(allocator.release(port));
    assertFalse(allocator.release(20001));
    assertFalse(allocator.release(30000));
    assertFalse(allocator.release(20002));
    assertEquals(0, allocator.inUse());
    assertEquals(3, allocator.capacity());
  }

  @Test
  void concurrentAllocationNeverHandsOutAPortTwice() throws Exception {
    RtpPortAllocator allocator = new RtpPortAllocator(RtpPortRange.parse("20000-21999"));
    pool = Executors.newFixedThreadPool(8);
    Callable<List<Integer>> grabAndChurn = () -> {
      List<Integer> mine = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        OptionalInt port = allocator.allocate();
        if (port.isEmpty()) {
          break;
        }
        if (i % 3 == 0) {
          allocator.release(port.getAsInt());
        } else {
          mine.add(port.getAsInt());
        }
      }
      return mine;
    };
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      results.add(pool.submit(grabAndChurn));
    }
    Set<Integer> seen = new HashSet<>();
    int held = 0;
    for (Future<List<Integer>> result : results) {
      for (int port : result.get(10, TimeUnit.SECONDS)) {
        assertTrue(seen.add(port), "port handed out twice: " + port);
        held++;
      }
    }
    assertEquals(held, allocator.inUse());
    assertEquals(1000, held);
  }
}
