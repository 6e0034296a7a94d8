// Every migration in order, listed explicitly so the same array works under ts-jest and in the compiled server.
import { CreateRefillSchema1795644000000 } from './1795644000000-CreateRefillSchema';

export const migrations = [CreateRefillSchema1795644000000];
