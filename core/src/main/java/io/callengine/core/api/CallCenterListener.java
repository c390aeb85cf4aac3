package io.callengine.core.api;

import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallEstablished;
import io.callengine.core.events.CallIncoming;
import io.callengine.core.events.CallOffered;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.CallStateChanged;
import io.callengine.core.events.DtmfPressed;
import io.callengine.core.events.MediaFlow;
import io.callengine.core.events.MediaQuality;
import io.callengine.core.events.SecurityAlert;
import io.callengine.core.events.Warning;

/**
 * The engine's public events for a JVM service that embeds it, one method per event type, each
 * a no-op until overridden. Register with {@link CallCenterEngine#addListener}; the events of the
 * whole cluster arrive, one at a time, in the order this node's topic delivers them.
 *
 * <p>Every method runs on the listener's own actor, on the engine's dispatcher: it must return
 * quickly and never block (no JDBC, no remote calls, no {@code join()}); hand slow work to an
 * executor of your own. An exception is logged and the next event is delivered as usual.
 */
public interface CallCenterListener {

  default void onIncomingCall(CallIncoming event) {}

  default void onCallQueued(CallQueued event) {}

  default void onCallOffered(CallOffered event) {}

  default void onCallEstablished(CallEstablished event) {}

  default void onCallStateChanged(CallStateChanged event) {}

  default void onCallEnded(CallEnded event) {}

  default void onCallHeld(io.callengine.core.events.CallHeld event) {}

  default void onCallResumed(io.callengine.core.events.CallResumed event) {}

  default void onMediaQuality(MediaQuality event) {}

  default void onMediaFlow(MediaFlow event) {}

  default void onDtmf(DtmfPressed event) {}

  default void onAgentStatusChanged(AgentStatusChanged event) {}

  default void onWarning(Warning event) {}

  /** A node's SIP front door locked a source or an account out, or rate-limited a source. */
  default void onSecurityAlert(SecurityAlert event) {}

  /** A callback's life: offered to a waiting caller, requested, each attempt, and its end (answered by the customer, or an attempt not). */
  default void onCallback(CallCenterEvent event) {}

  /** Every event passes here first; the default hands it to the method for its type. */
  default void onEvent(CallCenterEvent event) {
    if (event instanceof CallIncoming e) onIncomingCall(e);
    else if (event instanceof CallQueued e) onCallQueued(e);
    else if (event instanceof CallOffered e) onCallOffered(e);
    else if (event instanceof CallEstablished e) onCallEstablished(e);
    else if (event instanceof CallStateChanged e) onCallStateChanged(e);
    else if (event instanceof CallEnded e) onCallEnded(e);
    else if (event instanceof MediaQuality e) onMediaQuality(e);
    else if (event instanceof MediaFlow e) onMediaFlow(e);
    else if (event instanceof DtmfPressed e) onDtmf(e);
    else if (event instanceof AgentStatusChanged e) onAgentStatusChanged(e);
    else if (event instanceof Warning e) onWarning(e);
    else if (event instanceof SecurityAlert e) onSecurityAlert(e);
    else if (event instanceof io.callengine.core.events.CallHeld e) onCallHeld(e);
    else if (event instanceof io.callengine.core.events.CallResumed e) onCallResumed(e);
    else if (event.type().startsWith("callback-")) onCallback(event);
  }

  /** A registered listener: closing it (more than once is harmless) stops the deliveries. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
