-- The task's message and envelope, as rspamd's task methods give them (over raw.mime_* in MimeModule.cs and
-- raw.ip_from_string): a task carries the message bytes in its field `message` and, optionally, the envelope in
-- `from`, `rcpt` (a list of addresses), `ip`, `helo`, `hostname` and `uid`. What the host parses (the MIME parts, the
-- addresses, the digest) is parsed once per task and kept beside it; a MIME part's content stays in the host until
-- a plugin asks for it (get_content, get_digest), and is gone once the task's session ended.
local raw = ...
local error, type, rawget, getmetatable, setmetatable, format = error, type, rawget, getmetatable, setmetatable,
  string.format
local find, random, tostring, ipairs, min = string.find, math.random, tostring, ipairs, math.min
local task_mt = raw.task_mt
local methods = task_mt.__index
local text_fromstring, mime_parse, mime_addresses, mime_digest = raw.text_fromstring, raw.mime_parse,
  raw.mime_addresses, raw.mime_digest
local mime_part_content, mime_part_digest = raw.mime_part_content, raw.mime_part_digest
local ip_from_string, session_of = raw.ip_from_string, raw.session_of

local cache = setmetatable({}, {__mode = 'k'}) -- task -> what was parsed of it

-- The task `self` of method `name`, with its cache; a call on anything else is an argument error, as rspamd's.
local function task_state(self, name)
  if getmetatable(self) ~= task_mt then
    error(format("bad argument #1 to '%s' (rspamd{task} expected, got %s)", name, type(self)), 3)
  end
  local state = cache[self]
  if not state then
    state = {}
    cache[self] = state
  end
  return state
end

-- The message bytes; without them an error at `level` (default: the caller of the method calling this).
local function message(self, name, level)
  local m = rawget(self, 'message')
  if type(m) ~= 'string' then
    error(format("task:%s: the task has no message (its field 'message' holds the message bytes)", name), level or 3)
  end
  return m
end

-- An optional envelope field: a non-empty string (a number as its text), else nil.
local function field(self, name)
  local v = rawget(self, name)
  if type(v) == 'number' then v = tostring(v) end
  if type(v) == 'string' and v ~= '' then return v end
  return nil
end

local function parsed(self, state, name)
  if not state.message then
    local ok, m = mime_parse(message(self, name, 4), session_of(self))
    if not ok then error(m, 3) end
    state.message = m
  end
  return state.message
end

-- What the host makes of the message once per task (`make`: a raw function answering `true, value` or `false, message`),
-- kept under `key`. Methods reach it by a tail call, so errors land at their caller.
local function from_message(self, name, key, make)
  local state = task_state(self, name)
  if state[key] == nil then
    local ok, value = make(message(self, name))
    if not ok then error(value, 2) end
    state[key] = value
  end
  return state[key]
end

function methods:get_content() return from_message(self, 'get_content', 'content', text_fromstring) end

-- 32 hex digits, stable per message (rspamd's length; docs/scanners.md on the value).
function methods:get_digest() return from_message(self, 'get_digest', 'digest', mime_digest) end

-- The task's `uid` field, else a random id of rspamd's length (19 hex digits), the same for the whole task.
function methods:get_uid()
  local state = task_state(self, 'get_uid')
  if not state.uid then
    state.uid = field(self, 'uid') or format('%010x%09x', random(0, 0xffffffffff), random(0, 0xfffffffff))
  end
  return state.uid
end

function methods:get_from_ip()
  task_state(self, 'get_from_ip')
  local ip = field(self, 'ip')
  if not ip then return nil end
  local ok, addr = ip_from_string(ip)
  if not ok then error(addr, 2) end
  return addr
end

function methods:get_hostname()
  task_state(self, 'get_hostname')
  return field(self, 'hostname')
end

function methods:get_helo()
  task_state(self, 'get_helo')
  return field(self, 'helo')
end

-- rspamd's address kinds: 0/'any' (envelope, else MIME), 1/'smtp' ('envelope'), 2/'mime' ('header').
local function address_kind(what)
  if what == 1 then return 'smtp' end
  if what == 2 then return 'mime' end
  if type(what) == 'string' then
    if find(what, 'smtp', 1, true) or find(what, 'envelope', 1, true) then return 'smtp' end
    if find(what, 'mime', 1, true) or find(what, 'header', 1, true) then return 'mime' end
  end
  return 'any'
end

-- Addresses of the envelope field `env` and of the MIME header list `header`, by kind; nil when there are none.
local function addresses(self, name, what, env, header)
  local state = task_state(self, name)
  local kind = address_kind(what)
  if kind ~= 'mime' then
    local text = field(self, env)
    if text then
      local ok, list = mime_addresses(text)
      if not ok then error(list, 2) end
      if list[1] then return list end
    end
    if kind == 'smtp' then return nil end
  end
  local list = parsed(self, state, name)[header]
  if list[1] then return list end
  return nil
end

function methods:get_from(what) return addresses(self, 'get_from', what, 'from', 'from') end

function methods:get_recipients(what) return addresses(self, 'get_recipients', what, 'rcpt', 'to') end

-- The first envelope recipient, else the first MIME To: its address.
function methods:get_principal_recipient()
  local list = addresses(self, 'get_principal_recipient', 0, 'rcpt', 'to')
  return list and list[1].addr or nil
end

-- rspamd{mimepart}: a table whose data the host parsed, kept out of the plugin's reach. That data holds the part's
-- metadata, its place (`index`) and the message's `handle`, whose collection lets the host release the message.
local part_data = setmetatable({}, {__mode = 'k'})
local part_methods = {}
local part_mt = raw.mimepart_mt
part_mt.__index = part_methods
part_mt.class = 'rspamd{mimepart}'
part_mt.__tostring = function() return 'rspamd{mimepart}' end

local function part_of(self, name)
  local data = part_data[self]
  if not data then
    error(format("bad argument #1 to '%s' (rspamd{mimepart} expected, got %s)", name, type(self)), 3)
  end
  return data
end

function methods:get_parts()
  local state = task_state(self, 'get_parts')
  if not state.parts then
    local parts = {}
    local m = parsed(self, state, 'get_parts')
    for i, data in ipairs(m.parts) do
      data.handle, data.index = m.handle, i
      local part = setmetatable({}, part_mt)
      part_data[part] = data
      parts[i] = part
    end
    state.parts = parts
  end
  local copy = {}
  for i, part in ipairs(state.parts) do copy[i] = part end
  return copy
end

-- A part's value made by the host from its content by the raw function `make` (a text object, a digest) on the first
-- call; after the task ended, an error.
local function from_content(self, name, key, make)
  local data = part_of(self, name)
  if data[key] == nil then
    local ok, value = make(data.handle, data.index)
    if not ok then error(format('mimepart:%s: %s', name, value), 2) end
    data[key] = value
  end
  return data[key]
end

function part_methods:get_content() return from_content(self, 'get_content', 'text_content', mime_part_content) end
function part_methods:get_length() return part_of(self, 'get_length').length end
function part_methods:get_digest() return from_content(self, 'get_digest', 'digest', mime_part_digest) end
function part_methods:get_filename() return part_of(self, 'get_filename').filename end
function part_methods:get_detected_ext() return part_of(self, 'get_detected_ext').detected_ext end
function part_methods:is_attachment() return part_of(self, 'is_attachment').attachment end
function part_methods:is_image() return part_of(self, 'is_image').image end
function part_methods:is_text() return part_of(self, 'is_text').text end
function part_methods:is_archive() return part_of(self, 'is_archive').archive_files ~= nil end

-- type and subtype, as rspamd's get_type (its get_type_full adds a table of parameters).
function part_methods:get_type()
  local data = part_of(self, 'get_type')
  return data.type, data.subtype
end

-- rspamd{archive} of an archive part (zips), else nil: get_files_full([max]) and get_files([max]).
local archive_methods = {}
local archive_mt = raw.archive_mt
archive_mt.__index = archive_methods
archive_mt.class = 'rspamd{archive}'

local function archive_files(self, max, name)
  local files = getmetatable(self) == archive_mt and rawget(self, 1)
  if not files then error(format("bad argument #1 to '%s' (rspamd{archive} expected)", name), 3) end
  max = type(max) == 'number' and max or #files
  local out = {}
  for i = 1, min(max, #files) do out[i] = files[i] end
  return out
end

function archive_methods:get_files_full(max)
  local out = archive_files(self, max, 'get_files_full')
  for i, f in ipairs(out) do
    out[i] = {name = f.name, compressed_size = f.compressed_size, uncompressed_size = f.uncompressed_size,
      encrypted = f.encrypted}
  end
  return out
end

function archive_methods:get_files(max)
  local out = archive_files(self, max, 'get_files')
  for i, f in ipairs(out) do out[i] = f.name end
  return out
end

function part_methods:get_archive()
  local files = part_of(self, 'get_archive').archive_files
  if not files then return nil end
  return setmetatable({files}, archive_mt)
end
