/**
 * api-versions each provider accepts: what the SDK majors this project uses send (arm-network 39: 2026-01-01,
 * arm-privatedns 4: 2024-06-01), the versions of the specs the conformance tests use, and what the previous
 * (Node 20) majors send (arm-network 36: 2025-05-01, arm-privatedns 3.2: 2020-06-01).
 */
export const NETWORK_API_VERSIONS = ['2024-01-01', '2025-05-01', '2026-01-01'] as const;
export const PRIVATE_DNS_API_VERSIONS = ['2020-06-01', '2024-06-01'] as const;
