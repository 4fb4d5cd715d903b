import { describe, expect, it } from 'vitest';
import { type RTCRtpSender, RtcpSrPacket } from 'werift';
import { ntpTimestamp, startSenderReports } from './sender-reports.js';

/** NTP seconds (with fraction) of a 64-bit NTP timestamp. */
const ntpSeconds = (ntp: bigint) => Number(ntp >> 32n) + Number(ntp & 0xffffffffn) / 2 ** 32;

/** A sender as the reports use it: SSRC, counters, and a connected transport that records what it sends. */
function recordingSender(ssrc: number) {
  const sent: RtcpSrPacket[] = [];
  const sender = {
    ssrc,
    packetCount: 0,
    octetCount: 0,
    runRtcp: async () => {},
    dtlsTransport: {
      state: 'connected',
      sendRtcp: async (packets: RtcpSrPacket[]) => {
        sent.push(...packets);
        return 0;
      },
    },
  };
  return { sender: sender as unknown as RTCRtpSender, sent };
}

describe('the live sender reports', () => {
  it('write the wall clock as NTP seconds and a binary fraction', () => {
    const now = performance.now();
    const unixSeconds = (performance.timeOrigin + now) / 1000;
    expect(ntpSeconds(ntpTimestamp(now)) - 2208988800).toBeCloseTo(unixSeconds, 5);
    // Half a second is half of the 32-bit fraction (werift 0.24 writes the decimal digits there instead).
    const whole = Math.ceil((performance.timeOrigin + now) / 1000) * 1000 - performance.timeOrigin;
    expect(Number(ntpTimestamp(whole + 500) & 0xffffffffn) / 2 ** 32).toBeCloseTo(0.5, 6);
  });

  it('map the same media time of audio and video to the same instant, from the first tick on', async () => {
    const video = recordingSender(1);
    const audio = recordingSender(2);
    const clock = { originMs: undefined as number | undefined };
    const stop = startSenderReports(
      [
        { sender: video.sender, clockRate: 90000 },
        { sender: audio.sender, clockRate: 48000 },
      ],
      clock,
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(video.sent).toEqual([]);
    clock.originMs = performance.now() - 1000;
    await new Promise((resolve) => setTimeout(resolve, 180));
    stop();
    // Two reports each within the first 100 ms or so (a browser needs two), none before the clock started.
    expect(video.sent.length).toBeGreaterThanOrEqual(2);
    expect(audio.sent.length).toBeGreaterThanOrEqual(2);
    for (const [reports, rate] of [
      [video.sent, 90000],
      [audio.sent, 48000],
    ] as const) {
      for (const report of reports) {
        expect(report).toBeInstanceOf(RtcpSrPacket);
        const { ntpTimestamp: ntp, rtpTimestamp } = report.senderInfo;
        const wallMs = (ntpSeconds(ntp) - 2208988800) * 1000 - performance.timeOrigin;
        // RTP time over the clock rate is media time: the report's instant minus the clock's origin.
        expect(Math.abs(rtpTimestamp / rate - (wallMs - clock.originMs) / 1000)).toBeLessThan(0.001);
      }
    }
  });
});
