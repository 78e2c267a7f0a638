import { randomUUID } from 'node:crypto';

export type IdPrefix = 'task' | 'conv' | 'appr' | 'mem' | 'exp' | 'rule' | 'chg';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}
