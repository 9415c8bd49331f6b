// Settings of the default route (the "route" section of the settings file).
import { int, oneOf, str } from '../config/schema';

export const routeSettings = {
  realm: str({ default: 'sipbox', doc: 'Digest realm: the SIP domain name phones are challenged with', pattern: /^[A-Za-z0-9.-]{1,64}$/ }),
  ringTimeoutSec: int({ min: 5, max: 180, default: 60, doc: 'An unanswered call is cancelled after this long' }),
  ringTimeoutStatus: oneOf({ values: ['480', '408'] as const, default: '480', doc: 'What the caller gets when the ring timeout ends a call' }),
};
