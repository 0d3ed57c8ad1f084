-- ActorTcp's compatible lua_redis: what rspamd's lua_scanners reach of rspamd's lua_redis (3.4) when no Redis is
-- configured, which is how ActorTcp runs them: no cache. Preloaded with the compatible lua_util (rspamd_lualib.lua).
-- ActorTcp has no rspamd_redis, so Redis settings are never returned: a scanner rule then has no redis_params and
-- rspamd's lua_scanners/common skips its cache lookups and writes, exactly as rspamd does without a redis section.
local logger = require "rspamd_logger"
local type = type

local exports = {}

-- parse_redis_server(module_name, module_opts, no_fallback): nil, as rspamd answers without Redis definitions.
-- Options that do name servers are logged, so the operator sees why the module runs without its cache.
local function parse_redis_server(module_name, module_opts)
  if type(module_opts) == 'table' and (module_opts.servers or module_opts.read_servers or module_opts.write_servers) then
    logger.infox(rspamd_config, 'Redis servers of %s ignored: ActorTcp has no Redis client for lua_redis', module_name)
  end
  return nil
end
exports.parse_redis_server = parse_redis_server
exports.rspamd_parse_redis_server = parse_redis_server

-- redis_make_request(task, redis_params, ...): false, as rspamd's when the request cannot be made.
local function redis_make_request(task)
  logger.warnx(task, 'cannot make redis request: ActorTcp has no Redis client for lua_redis')
  return false, nil, nil
end
exports.redis_make_request = redis_make_request
exports.rspamd_redis_make_request = redis_make_request

-- Key prefixes modules declare (rspamd lists them for rspamadm); kept the same way.
local redis_prefixes = {}
exports.register_prefix = function(prefix, module, description, optional)
  local pr = {module = module, description = description}
  if type(optional) == 'table' then
    for k, v in pairs(optional) do pr[k] = v end
  end
  redis_prefixes[prefix] = pr
end
exports.prefixes = function(mname)
  if not mname then return redis_prefixes end
  local fun = {}
  for k, v in pairs(redis_prefixes) do
    if v.module == mname then fun[k] = v end
  end
  return fun
end

return exports
