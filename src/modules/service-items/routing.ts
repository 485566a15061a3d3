import type { RoutingRulesTable, SlaPolicyName } from './tables.js';

/**
 * Routing of service items as data (issue 5 item 2): the rules are rows of `routing_rules` (migration 0023), the
 * first that matches by position wins, and a null criterion matches anything. This function only reads them, so
 * the table of rules and the tests that check it say everything about where an item goes.
 */

export type RoutingRule = Pick<
  RoutingRulesTable,
  'position' | 'section_1367' | 'channel' | 'type' | 'urgent' | 'target' | 'sla_policy' | 'note'
>;

export interface RoutingInput {
  channel: string;
  type: string;
  urgent: boolean;
  /** The linked case, or the person's own word, says VAWA, T or U (CC-6). */
  section1367: boolean;
  /** The office that owns the linked case, when there is one. */
  officeCode?: string | null;
}

export interface Route {
  queue: string;
  slaPolicy: SlaPolicyName | null;
  /** The rule that decided (its position), for the item's timeline. */
  rule: number;
  note: string;
}

export function routeItem(rules: readonly RoutingRule[], input: RoutingInput): Route {
  const ordered = [...rules].sort((a, b) => a.position - b.position);
  for (const rule of ordered) {
    if (rule.section_1367 !== null && rule.section_1367 !== input.section1367) continue;
    if (rule.channel !== null && rule.channel !== input.channel) continue;
    if (rule.type !== null && rule.type !== input.type) continue;
    if (rule.urgent !== null && rule.urgent !== input.urgent) continue;
    if (rule.target === 'office') {
      // Without a case there is no owning office yet: Tier 1 finds the case and routes it on (CC-7).
      if (!input.officeCode) continue;
      return { queue: `office:${input.officeCode}`, slaPolicy: rule.sla_policy, rule: rule.position, note: rule.note };
    }
    return { queue: rule.target, slaPolicy: rule.sla_policy, rule: rule.position, note: rule.note };
  }
  throw new Error('No routing rule matched: the rules must end with a rule that matches everything');
}

/** The queues a staff member works, by role (office queues: officers of the owning offices). */
export function queueKindsOf(roles: readonly string[]): ('tier1' | 'tier2' | 'tier3' | 'help_desk' | 'office')[] {
  const kinds: ('tier1' | 'tier2' | 'tier3' | 'help_desk' | 'office')[] = [];
  if (roles.includes('tier1')) kinds.push('tier1');
  if (roles.includes('tier2')) kinds.push('tier2');
  if (roles.includes('tier3')) kinds.push('tier3');
  if (roles.includes('help_desk')) kinds.push('help_desk');
  if (roles.includes('officer')) kinds.push('office');
  return kinds;
}
