/** What `verify` found: counts per kind, a few sample ids to look at, and the repairs `--fix` would enqueue. */
export const DriftKinds = {
  accountOwner: 'account-owner',
  businessContactEmail: 'business-contact-email',
  orderManager: 'order-manager',
  orderSpecialist: 'order-specialist',
  orderResponsible: 'order-responsible',
  taskResponsible: 'task-responsible',
  invalidUser: 'invalid-user',
} as const;

export type DriftKind = (typeof DriftKinds)[keyof typeof DriftKinds];

export const SAMPLE_SIZE = 5;

export interface DriftEntry {
  count: number;
  /** Ids of drifted documents (accounts, contacts, orders, tasks or users, by kind). */
  samples: string[];
}

export interface Repairs {
  ownerSync: Set<string>;
  managerSync: Set<string>;
  specialistSync: Set<string>;
  /** Orders naming no manager (specialist) that still carry a copy: order-scoped jobs remove it. */
  teamOrders: { manager: Set<string>; specialist: Set<string> };
  /** Orders to rebuild from assigned_user_ids. */
  responsibleOrders: Set<string>;
  /** Orders whose tasks must get the order's array again. */
  cascadeOrders: Set<string>;
}

export class DriftReport {
  readonly kinds = new Map<DriftKind, DriftEntry>();
  readonly repairs: Repairs = {
    ownerSync: new Set(),
    managerSync: new Set(),
    specialistSync: new Set(),
    teamOrders: { manager: new Set(), specialist: new Set() },
    responsibleOrders: new Set(),
    cascadeOrders: new Set(),
  };
  readonly scanned = { users: 0, accounts: 0, contacts: 0, orders: 0, tasks: 0 };
  private readonly invalidUsers = new Set<string>();

  /** A user seen invalid by several audits is one finding. */
  recordInvalidUser(userId: string): void {
    if (this.invalidUsers.has(userId)) return;
    this.invalidUsers.add(userId);
    this.record(DriftKinds.invalidUser, userId);
  }

  record(kind: DriftKind, documentId: string): void {
    const entry = this.kinds.get(kind) ?? { count: 0, samples: [] };
    entry.count += 1;
    if (entry.samples.length < SAMPLE_SIZE) entry.samples.push(documentId);
    this.kinds.set(kind, entry);
  }

  get total(): number {
    return [...this.kinds.values()].reduce((sum, entry) => sum + entry.count, 0);
  }

  toJSON() {
    return {
      clean: this.total === 0,
      total: this.total,
      drift: Object.fromEntries(
        Object.values(DriftKinds).map(kind => [kind, this.kinds.get(kind) ?? { count: 0, samples: [] }]),
      ),
      scanned: this.scanned,
    };
  }
}
