// Accounts every test server has: the first administrator from the environment, and the demo accounts of a demo server.
export const TEST_ADMIN = { email: 'admin@pumpwatch.test', password: 'test-admin-password' } as const;

export const DEMO_LOGINS = {
  admin: { email: 'demo-admin@pumpwatch.example', password: 'demo-admin-password' },
  clinician: { email: 'demo-clinician@pumpwatch.example', password: 'demo-clinician-password' },
  scheduler: { email: 'demo-scheduler@pumpwatch.example', password: 'demo-scheduler-password' },
  staff: { email: 'demo-staff@pumpwatch.example', password: 'demo-staff-password' },
} as const;
