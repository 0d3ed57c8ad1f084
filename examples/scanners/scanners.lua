-- rspamd's scanners as ActorTcp task functions: clamav and spamassassin (icap, pyzor, razor and dcc are set up the same
-- way; the tests run these two, docs/scanners.md lists what the others call) loaded unchanged from rspamd's Lua
-- library, their rules set up the way rspamd's antivirus and external_services plugins set them up. Needs
-- actortcp.lua.rspamd-lualib (README, "Running rspamd's scanners"):
--
--   actortcp node --config scanners.conf --port 4053 --plugin examples/scanners/settings.lua \
--     --plugin examples/scanners/scanners.lua
--   actortcp submit --contact 127.0.0.1:4053 scan message=@mail.eml
--
-- Settings: the global `scanner_settings` (a plugin loaded before this one, like settings.lua) maps a rule name to
-- its options, as the sections of rspamd's antivirus.conf and external_services.conf do; without it, the defaults
-- below. Each rule becomes a global task function of its name; `scan(task)` runs them all.
local fun = require "fun"
local rspamd_logger = require "rspamd_logger"
local common = require "lua_scanners/common"

local settings = scanner_settings or {
  clamav = {type = 'clamav', symbol = 'CLAM_VIRUS', servers = '127.0.0.1:3310'},
  spamassassin = {type = 'spamassassin', symbol = 'SPAMD', servers = '127.0.0.1:783'},
}

-- The scanners rspamd's antivirus plugin runs; the others are external_services' (spamassassin, pyzor, razor, dcc).
local antivirus = {clamav = true, icap = true, fprot = true, sophos = true, savapi = true, kaspersky = true,
  kaspersky_se = true, avast = true}

-- No redis section: rule.redis_params stays nil, so the scanners neither look up nor write a cache (rspamd's own
-- behaviour without Redis).
local redis_params = nil

-- One rule, as add_antivirus_rule (antivirus.lua) and add_scanner_rule (external_services.lua) build it; the task
-- function that scans with it, or nil (logged) when its options are wrong, as rspamd skips such a rule.
local function add_rule(name, opts)
  local ok, scanner = pcall(require, 'lua_scanners/' .. tostring(opts.type))
  if not ok or type(scanner) ~= 'table' then
    rspamd_logger.errx(rspamd_config, 'unknown scanner type for rule %s: %s', name, opts.type)
    return nil
  end
  opts.name = opts.name or name -- both plugins name a rule after its section
  opts.symbol = opts.symbol or name:upper()
  opts.symbol_fail = opts.symbol_fail or opts.symbol .. '_FAIL'
  opts.symbol_encrypted = opts.symbol_encrypted or opts.symbol .. '_ENCRYPTED'
  opts.symbol_macro = opts.symbol_macro or opts.symbol .. '_MACRO'

  local rule = scanner.configure(opts)
  if not rule then
    rspamd_logger.errx(rspamd_config, 'cannot configure %s for %s', opts.type, opts.symbol)
    return nil
  end
  rule.type = opts.type
  rule.symbol = rule.symbol or opts.symbol
  rule.symbol_fail = rule.symbol_fail or opts.symbol_fail
  rule.symbol_encrypted = rule.symbol_encrypted or opts.symbol_encrypted
  rule.symbol_macro = rule.symbol_macro or opts.symbol_macro
  rule.redis_params = redis_params
  if not antivirus[opts.type] then
    -- external_services: a part filter means only matching attachments are scanned
    rule.scan_all_mime_parts = opts.mime_parts_filter_regex == nil and opts.mime_parts_filter_ext == nil
    rule.mime_parts_filter_regex = common.create_regex_table(opts.mime_parts_filter_regex or {})
    rule.mime_parts_filter_ext = common.create_regex_table(opts.mime_parts_filter_ext or {})
  end
  rule.patterns = common.create_regex_table(opts.patterns or {})
  rule.patterns_fail = common.create_regex_table(opts.patterns_fail or {})

  return function(task)
    if rule.scan_mime_parts then
      fun.each(function(p)
        local content = p:get_content()
        if content and #content > 0 then scanner.check(task, content, p:get_digest(), rule, p) end
      end, common.check_parts_match(task, rule))
    else
      scanner.check(task, task:get_content(), task:get_digest(), rule)
    end
  end
end

local names = {}
for name, opts in pairs(settings) do
  local check = add_rule(name, opts)
  if check then
    _G[name] = check
    names[#names + 1] = name
  end
end
table.sort(names)

-- Every configured scanner on the task's message.
function scan(task)
  for _, name in ipairs(names) do _G[name](task) end
end
