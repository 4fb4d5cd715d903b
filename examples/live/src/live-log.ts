/** One tick of the picture, as the page showed it. */
export interface ShownFrame {
  readonly tick: number;
  readonly index: number;
  /** The audio time the frame shows, in seconds of the captured stream. */
  readonly time: number;
  readonly repeated: boolean;
  /** When it was drawn, in seconds of the AudioContext's clock. */
  readonly shownAt: number;
  /** How late its tick ran, in ms. */
  readonly lateMs: number;
}

/** What the page did, readable as `window.livePage.log` (its test reads it). */
export interface LiveLog {
  /** Context time of the captured stream's first sample. */
  startTime?: number;
  /** Seconds from a sample's capture to its frame on screen, measured at the first frame; the voice's delay. */
  latency?: number;
  readonly frames: ShownFrame[];
  dropped: number;
  repeated: number;
}

/** The page's audio graph, for a tool that wants to listen in (its test measures the sync with it). */
export interface LiveGraph {
  readonly context: AudioContext;
  /** The microphone, as captured. */
  readonly microphone: AudioNode;
  /** The voice as played: the microphone delayed by `latency`, silent until the first frame. */
  readonly voice: AudioNode;
}

/** `window.livePage`. */
export interface LivePage {
  readonly log: LiveLog;
  graph?: LiveGraph;
  /** Set by a tool that listens in (its test): runs once the graph is built, before the capture starts. */
  beforeCapture?: (graph: LiveGraph) => Promise<void>;
}
