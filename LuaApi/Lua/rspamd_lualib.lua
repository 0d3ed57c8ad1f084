-- rspamd's own Lua library (lua_scanners, lua_util, fun, ...) as the host was configured to find it (LibraryModule.cs):
-- actortcp.lua.rspamd-lualib goes first on package.path, so `require "lua_scanners/clamav"` loads rspamd's file as it
-- is. rspamd's lua_util and lua_redis need LPeg: with a native one (actortcp.lua.lpeg) `require "lpeg"` opens it and
-- the real modules load; without, the compatible ones in compat/ are preloaded instead (docs/scanners.md says what
-- they cover).
local raw = ...
local load, error, pairs, concat = load, error, pairs, table.concat

local lualib = raw.rspamd_lualib
if lualib then
  local paths = {lualib .. '/?.lua', lualib .. '/?/init.lua'}
  -- restricted-stdlib empties package.path; the configured library is still found.
  if package.path ~= '' then paths[#paths + 1] = package.path end
  package.path = concat(paths, ';')
end

if raw.lpeg_open then
  package.preload.lpeg = raw.lpeg_open
else
  for name, source in pairs(raw.compat_modules) do
    package.preload[name] = function(...)
      local chunk, err = load(source, '=' .. name .. '.lua (ActorTcp compat)', 't')
      if not chunk then error(err) end
      return chunk(...)
    end
  end
end
