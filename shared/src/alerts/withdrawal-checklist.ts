// The checklist a withdrawal-risk alert carries: early signs to look for and the patient's recorded risk factors.
import { WITHDRAWAL_RISK_FACTOR_LABELS, WITHDRAWAL_SIGNS } from '../clinical-config';
import type { WithdrawalChecklist, WithdrawalRiskFactors } from './alert-contracts';

export function withdrawalChecklist(riskFactors: WithdrawalRiskFactors): WithdrawalChecklist {
  const factors = Object.keys(WITHDRAWAL_RISK_FACTOR_LABELS) as (keyof WithdrawalRiskFactors)[];
  return {
    earlySigns: [...WITHDRAWAL_SIGNS],
    riskFactors: factors.map((factor) => ({ factor, label: WITHDRAWAL_RISK_FACTOR_LABELS[factor], present: riskFactors[factor] })),
  };
}
