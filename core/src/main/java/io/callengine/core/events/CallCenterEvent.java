package io.callengine.core.events;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/**
 * The engine's public events, published on the cluster-wide topic that {@code
 * CallCenterEngine.events()} names. Each says when it happened and, as {@link #type()}, what it is.
 */
public sealed interface CallCenterEvent extends CborSerializable
    permits CallIncoming, CallQueued, CallOffered, CallEstablished, CallStateChanged, CallEnded, AgentStatusChanged,
        MediaQuality, MediaFlow, DtmfPressed, Warning, SecurityAlert,
        RecordingStarted, RecordingPaused, RecordingResumed, RecordingStopped, CallMonitored, CallHeld, CallResumed,
        CallTransferred, TransferFailed, CallbackRequested, CallbackAttempted, CallbackCompleted, CallbackFailed, CallbackOffered,
        CallConsulted {

  Instant at();

  String type();
}
