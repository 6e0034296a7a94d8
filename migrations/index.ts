// Every migration in order, listed explicitly so the same array works under ts-jest and in the compiled server.
import { CreateRefillSchema1795644000000 } from './1795644000000-CreateRefillSchema';
import { CreateAccessAndAudit1795730400000 } from './1795730400000-CreateAccessAndAudit';

export const migrations = [CreateRefillSchema1795644000000, CreateAccessAndAudit1795730400000];
