// Sign-in: sessions, the global permission guard, the route-table check at start-up, and the first administrator.
import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { RoutePermissionCheck } from './route-permissions';

@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottle, RoutePermissionCheck, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
