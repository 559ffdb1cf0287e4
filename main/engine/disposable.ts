// One place that knows what to close, in reverse order of opening (VS Code's DisposableStore idea): owners add a
// teardown where they open the thing, instead of keeping a hand-written list in a stop() that can drift.
export type Teardown = () => void | Promise<void>;

export class DisposableStore {
  private readonly items: Teardown[] = [];

  add<T extends Teardown>(teardown: T): T {
    this.items.push(teardown);
    return teardown;
  }

  /** Runs every teardown, last added first, each once; every one runs even if an earlier one throws (that error is rethrown). */
  async dispose(): Promise<void> {
    let first: unknown = null;
    for (const teardown of this.items.splice(0).reverse()) {
      try {
        await teardown();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== null) throw first;
  }
}
