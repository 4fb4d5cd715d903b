import { type RTCRtpSender, RtcpSenderInfo, RtcpSrPacket } from 'werift';

/**
 * The media clock both tracks of a session share: media time 0 (tick 0, the first RTP timestamp of either
 * track) was due on the wall clock at `originMs` (`performance.now`). Set once, when the first tick is sent.
 */
export interface MediaClock {
  originMs: number | undefined;
}

/** One sender to report on, and its RTP clock rate (VP8 90 kHz, Opus 48 kHz). */
export interface ReportedSender {
  readonly sender: RTCRtpSender;
  readonly clockRate: number;
}

/** Until each sender has sent this many reports they go out `firstIntervalMs` apart, then `intervalMs`. */
const quickReports = 2;
const firstIntervalMs = 100;
const intervalMs = 500;
/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const ntpEpochOffsetSeconds = 2208988800;

/** A `performance.now` time as a 64-bit NTP timestamp (32 bits of seconds, 32 of fraction). */
export function ntpTimestamp(performanceMs: number): bigint {
  const seconds = (performance.timeOrigin + performanceMs) / 1000 + ntpEpochOffsetSeconds;
  const whole = Math.floor(seconds);
  const fraction = Math.min(0xffffffff, Math.round((seconds - whole) * 2 ** 32));
  return (BigInt(whole) << 32n) | BigInt(fraction);
}

/**
 * Sends the RTCP sender reports of a session's senders itself, instead of werift's: werift 0.24 writes
 * the decimal digits of the seconds as the NTP fraction (so its wall clock is off by up to a second from
 * report to report) and sends its first report 0.5–1.5 s after the first packet. A browser lip-syncs two
 * tracks by mapping each one's RTP time to the sender's wall clock through these reports, so here both
 * map through one media clock: RTP time t·rate ↔ `clock.originMs + t` — the same instant for the same
 * media time of audio and video. The first report goes out as soon as the clock has started and the
 * transport is up, a second 100 ms later (a browser needs two to estimate the mapping), then every 500 ms.
 * Returns a function that stops them.
 */
export function startSenderReports(senders: readonly ReportedSender[], clock: MediaClock): () => void {
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  for (const { sender } of senders) {
    // werift starts its own loop at each packet it sends: these reports replace it.
    sender.runRtcp = async () => {};
  }
  const report = async ({ sender, clockRate }: ReportedSender, origin: number) => {
    const now = performance.now();
    const rtpTimestamp = Math.round(((now - origin) / 1000) * clockRate) >>> 0;
    const counts = sender as unknown as { packetCount: number; octetCount: number };
    const senderInfo = new RtcpSenderInfo({
      ntpTimestamp: ntpTimestamp(now),
      rtpTimestamp,
      packetCount: counts.packetCount,
      octetCount: counts.octetCount,
    });
    await sender.dtlsTransport.sendRtcp([new RtcpSrPacket({ ssrc: sender.ssrc, senderInfo })]);
  };
  const next = () => {
    const origin = clock.originMs;
    const ready = senders.every(({ sender }) => sender.dtlsTransport?.state === 'connected');
    if (origin !== undefined && ready) {
      for (const reported of senders) void report(reported, origin).catch(() => undefined);
      sent++;
    }
    const wait = origin === undefined || !ready ? 20 : sent < quickReports ? firstIntervalMs : intervalMs;
    timer = setTimeout(next, wait);
  };
  next();
  return () => clearTimeout(timer);
}
