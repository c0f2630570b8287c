-- Headless end-to-end check: open a faulty state machine with the plugin and wait for
-- the server's diagnostics. Exits 0 when the expected diagnostic arrives, 1 otherwise.
-- Environment: ASL_LINT (the executable), ASL_FILE (the file to open), ASL_PLUGIN (editors/nvim).
vim.opt.runtimepath:prepend(os.getenv('ASL_PLUGIN'))
vim.o.hidden = true
-- A template open before setup runs (a lazily loaded plugin, a deferred setup): setup
-- attaches it as the autocommand would have.
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ASL_TEMPLATE')))
local template = vim.api.nvim_get_current_buf()
-- The settings reach the server: ASL201 becomes a warning.
require('asl_lint').setup({
  cmd = { os.getenv('ASL_LINT'), 'server' },
  settings = { aslLint = { severity = { ASL201 = 'warning' } } },
})
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ASL_FILE')))
local bufnr = vim.api.nvim_get_current_buf()

local function out(s)
  io.stdout:write(s .. '\n')
end

local arrived = vim.wait(15000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)

local diags = vim.diagnostic.get(bufnr)
table.sort(diags, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, d in ipairs(diags) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
  out(string.format('%d:%d-%d:%d %s %s', d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, code,
    (d.message:gsub('\n', ' | '))))
end

local ok = false
for _, d in ipairs(diags) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  if code == 'ASL201' and d.lnum == 3 and d.col == 38 and d.end_col == 45
    and d.severity == vim.diagnostic.severity.WARN then
    ok = true
  end
end
-- The state graph, drawn by the server into an SVG file.
local path, err = require('asl_lint').graph({ bufnr = bufnr, open = false })
local svg = path and table.concat(vim.fn.readfile(path), '\n') or ''
local drew = svg:find('<svg', 1, true) ~= nil and svg:find('data-name="Start"', 1, true) ~= nil
out(drew and ('graph: ' .. #svg .. ' bytes of SVG') or ('graph failed: ' .. tostring(err)))
ok = ok and drew

-- A Terraform file: the heredoc's typo, at its line in main.tf.
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ASL_TF')))
local tf = vim.api.nvim_get_current_buf()
local tf_arrived = vim.wait(15000, function()
  return #vim.diagnostic.get(tf) > 0
end, 50)
local tf_ok = false
for _, d in ipairs(vim.diagnostic.get(tf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out(string.format('main.tf %d:%d-%d:%d %s', d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, code))
  if code == 'ASL201' and d.lnum == 7 and d.col == 38 and d.end_col == 45 then
    tf_ok = true
  end
end
out('main.tf filetype: ' .. vim.bo[tf].filetype)
-- and ASL205 for the unreachable Ship: nothing else (the HCL is not read as JSON).
tf_ok = tf_ok and #vim.diagnostic.get(tf) == 2

-- The template opened before setup: the typo in its inline Definition.
local template_arrived = vim.wait(15000, function()
  return #vim.diagnostic.get(template) > 0
end, 50)
local template_ok = false
for _, d in ipairs(vim.diagnostic.get(template)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out(string.format('template.yaml %d:%d-%d:%d %s', d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, code))
  if code == 'ASL201' and d.lnum == 7 and d.col == 36 and d.end_col == 41 then
    template_ok = true
  end
end
template_ok = template_arrived and template_ok

-- Fix all: the string "10" becomes the number the Wait state needs.
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ASL_FIXABLE')))
local fixable = vim.api.nvim_get_current_buf()
vim.wait(15000, function()
  return #vim.diagnostic.get(fixable) > 0
end, 50)
local fixed, fix_err = require('asl_lint').fix_all({ bufnr = fixable })
local fixed_text = table.concat(vim.api.nvim_buf_get_lines(fixable, 0, -1, false), '\n')
out('fix all: ' .. tostring(fixed or fix_err) .. ': ' .. fixed_text)
local fix_ok = fixed == 1 and fixed_text:find('"Seconds": 10,', 1, true) ~= nil

-- Code lenses: the plugin says it runs the lens commands, so the server offers both.
local lens_client = nil
for _, c in pairs(vim.lsp.get_active_clients()) do
  if c.name == 'asl-lint' then
    lens_client = c
  end
end
local lens_response = lens_client and lens_client.request_sync('textDocument/codeLens',
  { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, 10000, bufnr)
local titles = {}
for _, l in ipairs(lens_response and lens_response.result or {}) do
  table.insert(titles, l.command.title .. ' -> ' .. l.command.command)
end
out('code lenses: ' .. table.concat(titles, ', '))
local lens_ok = table.concat(titles, ', ') == 'Show graph -> aslLint.showGraph, Simulate -> aslLint.simulate'
  and vim.lsp.commands['aslLint.simulate'] ~= nil

-- Simulate the fixed (unsaved) buffer: the Wait passes in virtual time.
local sim, sim_code = require('asl_lint').simulate({ bufnr = fixable, input = '{"order": 7}' })
out('simulate (exit ' .. sim_code .. '): ' .. table.concat(sim, ' | '))
local sim_ok = sim_code == 0 and sim[#sim] == 'SUCCEEDED after 1 transition; output: {"order":7}'
-- The same run as a Mermaid drawing of the graph, the Wait state filled as run.
local drawn = require('asl_lint').simulate({ bufnr = fixable, input = '{}', format = 'mermaid' })
out('simulate as mermaid: ' .. table.concat(drawn, ' | '))
sim_ok = sim_ok and drawn[1] == 'flowchart TD' and vim.tbl_contains(drawn, '  class s0_0 ran')

-- "Simulate from" on a state's name: the code action's command runs the plugin's
-- simulate from that state, on the input typed (stubbed here), into a scratch buffer.
local actions = lens_client and lens_client.request_sync('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(fixable) },
  range = { start = { line = 0, character = 33 }, ['end'] = { line = 0, character = 33 } },
  context = { diagnostics = {} },
}, 10000, fixable)
local from = nil
for _, a in ipairs(actions and actions.result or {}) do
  if a.command and a.command.command == 'aslLint.simulate' then
    from = a
  end
end
local from_ok = false
if from then
  vim.ui.input = function(_, done)
    done('{"at": "Wait"}')
  end
  vim.lsp.commands['aslLint.simulate'](from.command, {})
  local shown = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  out(from.title .. ': ' .. table.concat(shown, ' | '))
  from_ok = from.title == 'Simulate from "Wait"'
    and shown[#shown] == 'SUCCEEDED after 1 transition; output: {"at":"Wait"}'
    and shown[2] == '  waited 10 s'
end

if not arrived then
  out('FAIL: no diagnostics arrived within 15 s')
elseif not ok then
  out('FAIL: expected ASL201 (a warning, from the settings) at 4:39-4:46')
elseif not tf_arrived or not tf_ok then
  out('FAIL: expected ASL201 at 8:39-8:46 and ASL205 in main.tf, nothing else')
  ok = false
elseif not template_ok then
  out('FAIL: expected ASL201 at 8:37-8:42 in template.yaml, open before setup')
  ok = false
elseif not fix_ok then
  out('FAIL: fix all should have applied one fix ("Seconds": 10)')
  ok = false
elseif not lens_ok then
  out('FAIL: expected the lenses "Show graph" and "Simulate"')
  ok = false
elseif not sim_ok then
  out('FAIL: simulate should succeed with the input as output')
  ok = false
elseif not from_ok then
  out('FAIL: the "Simulate from" code action should run from "Wait" and show the run')
  ok = false
else
  out('OK: diagnostics arrived from asl-lint server')
end
vim.cmd(ok and 'qall!' or 'cquit!')
