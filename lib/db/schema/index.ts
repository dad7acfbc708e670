export * from "./identity";
export * from "./audit";
export * from "./settings";
export * from "./gateway";
export * from "./access";
