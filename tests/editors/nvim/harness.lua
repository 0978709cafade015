-- Neovim's built-in LSP client (0.7, Debian) driving the real schemalens server, as a user
-- would: open the schema file, read its diagnostics, run a quick fix, change a setting.
-- Settings arrive only as init_options and workspace/didChangeConfiguration: Neovim 0.7
-- answers workspace/configuration with nothing and cannot window/showDocument.
--
-- Input (environment): SCHEMALENS_SERVER (JSON list: the server command), SCHEMALENS_PROJECT,
-- SCHEMALENS_SCHEMA (the file to open), SCHEMALENS_FIRST_URL (init_options.databaseUrl),
-- SCHEMALENS_SECOND_URL (sent later with didChangeConfiguration), SCHEMALENS_RESULT (where
-- the JSON report goes). The pytest that runs this asserts on the report and the database.

local report = { statuses = {}, steps = {} }
local published = {} -- uri -> the LSP diagnostics of its last publishDiagnostics
local timeout = 90000

local function env(name)
  local value = os.getenv(name)
  assert(value and value ~= "", name .. " is not set")
  return value
end

local function write_report()
  local file = assert(io.open(env("SCHEMALENS_RESULT"), "w"))
  file:write(vim.fn.json_encode(report))
  file:close()
end

local function wait_for(what, condition)
  if not vim.wait(timeout, condition, 50) then
    error("timed out waiting for " .. what)
  end
end

local function last_status()
  return report.statuses[#report.statuses]
end

local function codes(diagnostics)
  local out = {}
  for _, d in ipairs(diagnostics) do
    table.insert(out, d.code)
  end
  table.sort(out)
  return out
end

local function run()
  local schema = env("SCHEMALENS_SCHEMA")
  local handlers = {
    ["schemalens/status"] = function(_, status)
      table.insert(report.statuses, status)
    end,
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      published[result.uri] = result.diagnostics
      return vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, config)
    end,
  }
  local id = vim.lsp.start_client({
    name = "schemalens",
    cmd = vim.fn.json_decode(env("SCHEMALENS_SERVER")),
    root_dir = env("SCHEMALENS_PROJECT"),
    init_options = { databaseUrl = env("SCHEMALENS_FIRST_URL") },
    handlers = handlers,
  })
  assert(id, "the server did not start")
  local client = vim.lsp.get_client_by_id(id)

  vim.cmd("edit " .. vim.fn.fnameescape(schema))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "sql"
  vim.lsp.buf_attach_client(bufnr, id)
  local uri = vim.uri_from_bufnr(bufnr)

  -- 1. diagnostics on open (the first check after "starting")
  wait_for("the first check", function()
    local status = last_status()
    return status ~= nil and status.state ~= "starting"
  end)
  report.first = last_status()
  report.open_codes = codes(published[uri] or {})
  report.vim_diagnostics = #vim.diagnostic.get(bufnr)

  -- 2. a quick fix on the missing column, executed: the database changes
  local missing
  for _, d in ipairs(published[uri] or {}) do
    if d.code == "missing-column" then
      missing = d
    end
  end
  assert(missing, "no missing-column diagnostic")
  local answers = client.request_sync("textDocument/codeAction", {
    textDocument = { uri = uri },
    range = missing.range,
    context = { diagnostics = { missing } },
  }, timeout, bufnr)
  assert(answers and not answers.err, "codeAction failed: " .. vim.inspect(answers))
  report.action_titles = {}
  local push
  for _, action in ipairs(answers.result or {}) do
    table.insert(report.action_titles, action.title)
    if vim.startswith(action.title, "Push this change") then
      push = action
    end
  end
  assert(push, "no Push this change action")
  local count = #report.statuses
  local executed = client.request_sync("workspace/executeCommand", push.command, timeout, bufnr)
  assert(executed and not executed.err, "executeCommand failed: " .. vim.inspect(executed))
  report.pushed = executed.result
  wait_for("the check after the push", function()
    return #report.statuses > count
  end)
  report.after_push = last_status()
  report.after_push_codes = codes(published[uri] or {})

  -- 3. another database, given with workspace/didChangeConfiguration
  count = #report.statuses
  client.notify("workspace/didChangeConfiguration",
    { settings = { schemalens = { databaseUrl = env("SCHEMALENS_SECOND_URL") } } })
  wait_for("the check after the settings changed", function()
    return #report.statuses > count
  end)
  report.after_settings = last_status()
  report.after_settings_codes = codes(published[uri] or {})

  vim.lsp.stop_client(id)
end

local ok, err = pcall(run)
if not ok then
  report.error = tostring(err)
end
write_report()
vim.cmd(ok and "qa!" or "cq!")
