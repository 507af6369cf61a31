import type { Actor } from '../platform/db.js';

/**
 * The portal acts as a system actor with national scope: it must find anyone's record,
 * so it shows masked names and statuses only, and writes submissions into the region
 * they concern, where officers' row-level security takes over.
 */
export function portalActor(requestId?: string): Actor {
  return { id: 'portal', role: 'portal', scope: 'ID', channel: 'portal', ...(requestId ? { requestId } : {}) };
}
