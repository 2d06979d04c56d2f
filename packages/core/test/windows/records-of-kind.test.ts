// recordsOfKind reads the kind straight off plain events: it must keep the same records as through the source's event function.
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { recordsOfKind, telemetryEvents, type RecordSource, type TelemetryEvent } from '../../src/index.js';
import { telemetryEvent } from '../arbitraries.js';

const throughEvent: RecordSource<TelemetryEvent> = { event: (e) => e };
const kind = fc.constantFrom<TelemetryEvent['kind']>('watch', 'rate', 'recommendation');

describe('recordsOfKind', () => {
  it('keeps on plain events what it keeps reading each event through the source', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(telemetryEvent, { maxLength: 30 }), fc.array(kind, { minLength: 1, maxLength: 2 }), async (events, kinds) => {
        const kept = (source: RecordSource<TelemetryEvent>) => lastValueFrom(from(events).pipe(recordsOfKind(source, ...kinds), toArray()));
        expect(await kept(telemetryEvents)).toEqual(await kept(throughEvent));
      }),
    );
  });
});
