/**
 * The passes of a background job over its durable queue (the long-term validation of received
 * reports, the mail outbox). `kick` schedules a pass and returns at once; a kick while a pass runs
 * makes one more pass after it (the rows it wrote may have come after the pass looked); a timer
 * kicks every `pollMs` (0: never) for rows whose retry time has come; `idle` resolves when no pass
 * runs, so tests wait on it instead of sleeping; `stop` ends the passes and waits for the last one.
 * A pass that throws is reported on stderr in Italian and the next kick tries again.
 */
export class BackgroundPasses {
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pass: () => Promise<unknown>,
    /** The stderr line's words when a pass fails: «invio della posta interrotto». */
    private readonly what: string,
    pollMs: number,
  ) {
    if (pollMs > 0) {
      this.#timer = setInterval(() => this.kick(), pollMs);
      this.#timer.unref();
    }
  }

  /** Whether `stop` was called: a pass checks it between rows. */
  get stopped(): boolean {
    return this.#stopped;
  }

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.pass();
      } while (this.#again && !this.#stopped);
    })()
      .catch((e: Error) => {
        process.stderr.write(`ufficio: ${this.what}: ${e.message}\n`);
      })
      .finally(() => {
        this.#running = null;
        // A kick that came after the last pass's check: one more pass.
        if (this.#again) this.kick();
      });
  }

  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.idle();
  }
}
