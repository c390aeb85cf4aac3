package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.MediaRelay;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the gateway actor and its call sessions share on one node: the engine, the SIP stack's
 * message builder, the settings, the RTP relay, the hold audio, the Call-ID routing map and the
 * registrar (with its nonce key), the call recorders, and the calls whose session runs here
 * (call id to session: how an agent's phone that places a consult call finds its call).
 */
record GatewayParts(
    CallCenterEngine engine,
    SipMessages messages,
    SipSettings settings,
    MediaRelay relay,
    HoldAudio holdAudio,
    Map<String, ActorRef<CallSession.Message>> sessions,
    Registrar registrar,
    CallRecorders recorders,
    Map<String, ActorRef<CallSession.Message>> calls) {}
