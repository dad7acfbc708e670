/** Client-side shapes of the admin JSON API: `z.infer` of the route contracts (lib/contracts/admin.ts). */
export type { Page } from "@/lib/contracts/common";
export type { PlatformRole, TeamRole, UserRow, UserDetail, TeamRow, TeamMemberRow, TeamDetail, AuditRow, AdminTokenRow, CreatedAdminToken } from "@/lib/contracts/admin";
