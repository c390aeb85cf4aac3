package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The count of calls in set-up behind the front door's 503: the limit, ending a set-up once, the meters, the setting. */
class CallAdmissionTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SipMetrics metrics = new SipMetrics(registry);

  @Test
  void refusesAtTheLimitAndTakesAgainOnceASetupEnds() {
    CallAdmission admission = new CallAdmission(2, metrics);
    CallAdmission.Setup first = admission.tryAdmit();
    CallAdmission.Setup second = admission.tryAdmit();
    assertNotNull(first);
    assertNotNull(second);
    assertNull(admission.tryAdmit(), "a third call while two are in set-up is refused");
    assertEquals(1, registry.counter("callengine.sip.overload.refusals").count());
    assertEquals(2, registry.get("callengine.sip.calls.in.setup").gauge().value());

    first.answered();
    assertEquals(1, registry.get("callengine.sip.setup").timer().count(), "an answered set-up is timed");
    assertNotNull(admission.tryAdmit(), "a slot is free again");
    second.end();
    assertEquals(1, registry.get("callengine.sip.setup").timer().count(), "a set-up that ends without a 200 is not timed");
    assertEquals(1, admission.inSetup());
  }

  @Test
  void oneSourceHoldsAtMostItsShareOfTheSetupsAndOthersTakeTheRest() {
    CallAdmission admission = new CallAdmission(4, 2, metrics);
    CallAdmission.Setup first = admission.tryAdmit("192.0.2.1");
    assertNotNull(first);
    assertNotNull(admission.tryAdmit("192.0.2.1"));
    assertNull(admission.tryAdmit("192.0.2.1"), "a third set-up from one source is past its share");
    CallAdmission.Setup other = admission.tryAdmit("192.0.2.2");
    assertNotNull(other, "another source is taken");
    assertNotNull(admission.tryAdmit(null), "a trusted source (no source given) has no share");
    assertNull(admission.tryAdmit("192.0.2.3"), "the node's own limit still holds");
    assertEquals(2, registry.counter("callengine.sip.overload.refusals").count());

    first.end();
    first.end();
    assertEquals(3, admission.inSetup());
    assertNotNull(admission.tryAdmit("192.0.2.1"), "the ended set-up gave its source's place back");
    other.end();
    assertNull(admission.tryAdmit("192.0.2.1"), "once only: the source holds its 2 again, though the node has room");
    assertNotNull(admission.tryAdmit("192.0.2.3"));
  }

  @Test
  void aSetupEndsOnceHoweverOftenItIsEnded() {
    CallAdmission admission = new CallAdmission(1, metrics);
    CallAdmission.Setup setup = admission.tryAdmit();
    assertTrue(setup.end());
    setup.end();
    setup.answered();
    assertEquals(0, admission.inSetup(), "ended once: the count never goes below the calls really in set-up");
    assertNotNull(admission.tryAdmit());
    assertNull(admission.tryAdmit(), "and the limit still holds");
  }

  @Test
  void zeroMeansNoLimitButTheSetupsAreStillCounted() {
    CallAdmission admission = new CallAdmission(0, metrics);
    for (int i = 0; i < 1000; i++) assertNotNull(admission.tryAdmit());
    assertEquals(1000, admission.inSetup());
    assertEquals(0, registry.counter("callengine.sip.overload.refusals").count());
  }

  @Test
  void aNegativeLimitStopsTheStartWithTheSettingsName() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SipSettings.from(
        ConfigFactory.parseString("callengine.sip { max-calls-in-setup = -1, public-host = 127.0.0.1 }").withFallback(ConfigFactory.load())));
    assertEquals("callengine.sip.max-calls-in-setup (CALLENGINE_SIP_MAX_CALLS_IN_SETUP) must be 0 (no limit) or more; got -1", error.getMessage());
  }
}
