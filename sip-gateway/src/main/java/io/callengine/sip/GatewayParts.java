package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.MediaRelay;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the gateway actor and its call sessions share on one node: the engine, the SIP stack's
 * message builder, the settings, the RTP relay, the hold audio, the Call-ID routing map and the
 * registrar (with its nonce key), and the call recorders.
 */
record GatewayParts(
    CallCenterEngine engine,
    SipMessages messages,
    SipSettings settings,
    MediaRelay relay,
    HoldAudio holdAudio,
    Map<String, ActorRef<CallSession.Message>> sessions,
    Registrar registrar,
    CallRecorders recorders) {}
