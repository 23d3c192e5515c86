/** The part of fengari (Lua 5.3 in JavaScript, no types published) test/targets/kong/lua-sandbox.ts uses. */
declare module 'fengari' {
  type LuaState = object;
  type LuaString = Uint8Array;
  const fengari: {
    lua: {
      LUA_OK: number;
      lua_pushstring(L: LuaState, s: LuaString): void;
      lua_setglobal(L: LuaState, name: LuaString): void;
      lua_getglobal(L: LuaState, name: LuaString): number;
      lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
      lua_isnil(L: LuaState, index: number): boolean;
      lua_pushnil(L: LuaState): void;
      lua_pop(L: LuaState, n: number): void;
      lua_tonumber(L: LuaState, index: number): number;
      lua_tostring(L: LuaState, index: number): LuaString;
    };
    lauxlib: {
      luaL_newstate(): LuaState;
      luaL_loadstring(L: LuaState, s: LuaString): number;
    };
    lualib: { luaL_openlibs(L: LuaState): void };
    to_luastring(s: string): LuaString;
    to_jsstring(s: LuaString): string;
  };
  export default fengari;
}
