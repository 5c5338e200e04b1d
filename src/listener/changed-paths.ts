import type { Document } from 'mongodb';

/**
 * The paths an update set or removed: projected by the watch pipeline as `changedPaths` (values never
 * travel), or read from a raw event's updateDescription.
 */
export function changedPaths(event: Document): string[] {
  if (Array.isArray(event.changedPaths)) return event.changedPaths.map(String);
  const updated = event.updateDescription?.updatedFields;
  const removed = event.updateDescription?.removedFields;
  return [
    ...(updated && typeof updated === 'object' ? Object.keys(updated) : []),
    ...(Array.isArray(removed) ? removed.map(String) : []),
  ];
}
