// The permission table's rules: the role ladder, clinic scoping and the platform administrator.
import { CAPABILITIES, CLINIC_ROLES, mayUse, roleHolds, ROUTE_PERMISSIONS, ROUTES_BEFORE_PASSWORD_CHANGE, seesClinic } from './permissions';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('permissions', () => {
  it('gives each role everything of the roles below it', () => {
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'read'))).toEqual(['staff', 'scheduler', 'clinician', 'admin']);
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'schedule'))).toEqual(['scheduler', 'clinician', 'admin']);
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'clinical'))).toEqual(['clinician', 'admin']);
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'telemetry'))).toEqual(['clinician', 'admin']);
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'administer'))).toEqual(['admin']);
    expect(CLINIC_ROLES.filter((r) => roleHolds(r, 'platform'))).toEqual([]);
  });

  it('scopes a role to its clinic', () => {
    const clinicianOfA = { administersAllClinics: false, clinicRoles: [{ clinicId: A, role: 'clinician' as const }] };
    expect(mayUse(clinicianOfA, 'clinical', A)).toBe(true);
    expect(mayUse(clinicianOfA, 'read', B)).toBe(false);
    expect(mayUse(clinicianOfA, 'administer', A)).toBe(false);
    expect(mayUse(clinicianOfA, 'clinical')).toBe(true);
    expect(seesClinic(clinicianOfA, A)).toBe(true);
    expect(seesClinic(clinicianOfA, B)).toBe(false);
  });

  it('lets a user hold different roles in different clinics', () => {
    const mixed = {
      administersAllClinics: false,
      clinicRoles: [
        { clinicId: A, role: 'staff' as const },
        { clinicId: B, role: 'admin' as const },
      ],
    };
    expect(mayUse(mixed, 'clinical', A)).toBe(false);
    expect(mayUse(mixed, 'administer', B)).toBe(true);
  });

  it('lets the administrator of every clinic do everything, in any clinic', () => {
    const platform = { administersAllClinics: true, clinicRoles: [] };
    for (const capability of CAPABILITIES) expect(mayUse(platform, capability, B)).toBe(true);
  });

  it('names a known capability for every route and keeps sign-in itself public', () => {
    for (const capability of Object.values(ROUTE_PERMISSIONS)) expect(CAPABILITIES).toContain(capability);
    expect(ROUTE_PERMISSIONS['POST /api/auth/login']).toBe('public');
    for (const route of ROUTES_BEFORE_PASSWORD_CHANGE) expect(ROUTE_PERMISSIONS[route]).toBe('authenticated');
  });
});
