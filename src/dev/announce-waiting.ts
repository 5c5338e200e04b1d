/**
 * While dev waits for a server, it prints the waiting banner at the first one found down, then a line
 * for each other one, so stdout always says what it still waits for; nothing once the wait is over (the
 * running banner follows). A dependency that answers at once prints nothing at all.
 */
import { DEPENDENCY_LABELS, type DependencyName, type DependencyStatus } from '../roles/dependency-status';
import { devAlsoWaitingLine, devWaitingBanner, type DevAddresses } from './dev-banner';

export function announceWaiting(
  status: DependencyStatus,
  addresses: DevAddresses,
  write: (text: string) => void,
): { stop(): void } {
  const announced = new Set<DependencyName>();
  let stopped = false;
  status.onDown((name, reason) => {
    if (stopped || announced.has(name)) return;
    write(
      announced.size === 0
        ? devWaitingBanner({
            ...addresses,
            waiting: status
              .down()
              .map(item => ({ label: DEPENDENCY_LABELS[item.name], reason: item.reason })),
          })
        : devAlsoWaitingLine(reason),
    );
    for (const item of status.down()) announced.add(item.name);
  });
  return {
    stop: () => {
      stopped = true;
    },
  };
}
