// An appeal against a penalty (POLICY.md §5), decided by an independent reviewer.
export type AppealDecision = 'uphold' | 'reduce' | 'revoke';

export interface Appeal {
  /** Human id shown in chat (`A-3`). */
  id: string;
  penaltyId: string;
  ticketId: string;
  appellantId: string;
  reviewerId: string;
  reason: string;
  status: 'open' | 'decided';
  decision?: AppealDecision;
  note?: string;
  createdAt: Date;
  decidedAt?: Date;
}
