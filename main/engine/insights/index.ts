// Insights module: the supervisor's charts, the bulk retry of failed cases and the browser-mode folder picker.
import type { Handlers } from '../../../shared/api.ts';
import type { EngineContext, EngineModule } from '../context.ts';
import { createFolderBrowser, defaultBrowseRoots } from './browse.ts';
import { createChartsReader } from './charts.ts';
import { createRetryFailed } from './retry-failed.ts';

export type InsightsDeps = {
  /** Late-bound merged handlers: the bulk retry goes through the queue's 'cases:retry'. */
  getHandlers: () => Handlers;
  /** Folder picker roots; defaults to home + mount points. */
  browseRoots?: () => string[];
};

export function createInsightsModule(ctx: EngineContext, deps: InsightsDeps): EngineModule {
  const charts = createChartsReader(ctx);
  const browse = createFolderBrowser(deps.browseRoots ?? defaultBrowseRoots);
  return {
    name: 'insights',
    handlers: {
      'stats:charts': ({ days }) => charts.charts(days),
      'cases:retry-failed': createRetryFailed(ctx, deps.getHandlers),
      'fs:browse': (args) => browse(args),
    },
  };
}
