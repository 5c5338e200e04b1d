/**
 * What `verify` found: counts per kind, a few sample ids to look at, the repairs `--fix` would enqueue, and
 * each finding with the users and orders it depends on, so that drift with sync work still in flight can
 * be told from drift that stays (classify-in-flight.ts).
 */
export const DriftKinds = {
  accountOwner: 'account-owner',
  businessContactEmail: 'business-contact-email',
  orderManager: 'order-manager',
  orderSpecialist: 'order-specialist',
  orderResponsible: 'order-responsible',
  taskResponsible: 'task-responsible',
  invalidUser: 'invalid-user',
  /** An order whose manager, specialist or assigned_user_ids has the wrong type: no copy can follow it. */
  invalidOrder: 'invalid-order',
} as const;

export type DriftKind = (typeof DriftKinds)[keyof typeof DriftKinds];

export const SAMPLE_SIZE = 5;

export interface DriftEntry {
  count: number;
  /** Ids of drifted documents (accounts, contacts, orders, tasks or users, by kind). */
  samples: string[];
}

/** The users, orders and accounts whose sync work would set a drifted copy right. */
export interface DriftSubjects {
  users?: readonly string[];
  orders?: readonly string[];
  /** owner-sync also runs per account (`accountIds`: an account or business contact created). */
  accounts?: readonly string[];
}

export interface Finding {
  kind: DriftKind;
  /** The drifted document (account, contact, order, task, or user for invalid-user). */
  id: string;
  subjects: DriftSubjects;
}

/**
 * Findings kept for the in-flight check: far more than a live system has in flight at once, and bounded
 * (about 13 MiB at the cap, measured) so that verify of a database where everything drifted stays within
 * its memory. Findings past it count as drift.
 */
export const MAX_FINDINGS = 20_000;

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
  readonly findings: Finding[] = [];
  /** Findings past MAX_FINDINGS: counted, not kept. */
  unkeptFindings = 0;
  private readonly invalidUsers = new Set<string>();

  constructor(private readonly maxFindings = MAX_FINDINGS) {}

  /** A user seen invalid by several audits is one finding. */
  recordInvalidUser(userId: string): void {
    if (this.invalidUsers.has(userId)) return;
    this.invalidUsers.add(userId);
    this.record(DriftKinds.invalidUser, userId, { users: [userId] });
  }

  record(kind: DriftKind, documentId: string, subjects: DriftSubjects = {}): void {
    if (this.findings.length < this.maxFindings) this.findings.push({ kind, id: documentId, subjects });
    else this.unkeptFindings += 1;
    const entry = this.kinds.get(kind) ?? { count: 0, samples: [] };
    entry.count += 1;
    if (entry.samples.length < SAMPLE_SIZE) entry.samples.push(documentId);
    this.kinds.set(kind, entry);
  }

  /** Drift counted without a finding kept for it (past MAX_FINDINGS). */
  addUnkept(kind: DriftKind, count: number): void {
    if (count <= 0) return;
    const entry = this.kinds.get(kind) ?? { count: 0, samples: [] };
    entry.count += count;
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
