/** The local package's tests deliver Event Grid events through the same filter the app subscribes with. */
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../../src/core/operations';
import * as local from '../../local/test/helpers/watchedEvents';

describe('the Event Grid filter of the local tests', () => {
  it('names the event types and operations the app watches', () => {
    expect(local.WATCHED_EVENT_TYPES).toEqual(WATCHED_EVENT_TYPES);
    expect(local.WATCHED_OPERATIONS).toEqual(WATCHED_OPERATIONS);
  });
});
