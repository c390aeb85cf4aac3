package io.callengine.sip.media;

import java.time.Instant;

/**
 * How one leg's incoming RTP has fared so far: a snapshot taken by {@link StreamStats} and
 * returned by {@link RtpEndpoint#quality()}, for the call's actors to log, report or publish.
 *
 * @param packets valid packets received, duplicates included
 * @param lost packets expected but never received (never negative)
 * @param lossPercent {@code lost} as a percentage of {@code expected}
 * @param jitterMs interarrival jitter (RFC 3550 6.4.1) in milliseconds
 * @param mos estimated listening quality ({@link Mos#g711}, with the RTT once known); 0 before
 *     the first packet
 * @param lastPacketAt when the latest packet arrived; null before the first
 * @param firstPacketAt when the first packet arrived; null before it
 * @param expected packets the sequence numbers say were sent (RFC 3550 A.3)
 * @param duplicates packets whose sequence number had already been received
 * @param reordered packets that arrived after a later sequence number
 * @param timestampJumps packets whose timestamp moved more than a second away from their
 *     arrival time; each restarted the jitter measurement instead of counting towards it
 * @param resyncs restarts of the sequence accounting: a new SSRC or a confirmed big jump
 * @param jitter interarrival jitter in RTP timestamp units, as RTCP reports it
 * @param rttMs round-trip time between the relay and this leg's phone in milliseconds, from
 *     the latest RTCP report that echoed one of the relay's sender reports (RFC 3550 6.4.1);
 *     {@code NaN} until such a report arrives, and for good if the phone sends no RTCP
 */
public record StreamQuality(
    long packets,
    long lost,
    double lossPercent,
    double jitterMs,
    double mos,
    Instant lastPacketAt,
    Instant firstPacketAt,
    long expected,
    long duplicates,
    long reordered,
    long timestampJumps,
    long resyncs,
    double jitter,
    double rttMs) {}
