export const ROLES = ['action', 'thinker', 'recall', 'memory_policy', 'critic'] as const;
export type Role = (typeof ROLES)[number];
