#include "hostsel.h"

#include <algorithm>
#include <map>
#include <set>

#include "strutil.h"

namespace rocks {
namespace {

// The most names a selection word may expand to, all brackets together.
constexpr size_t kMaxRangeNames = 100000;

// A bracket's numbers, as text of their width ("00" stays two digits).
bool ExpandBracket(const std::string& word, const std::string& inside,
                   std::vector<std::string>* out, std::string* err) {
  for (const std::string& part : Split(inside, ',')) {
    size_t dash = part.find('-');
    std::string lo = part.substr(0, dash);
    std::string hi = dash == std::string::npos ? lo : part.substr(dash + 1);
    int64_t a, b;
    bool digits = !lo.empty() && !hi.empty() &&
                  lo.find_first_not_of("0123456789") == std::string::npos &&
                  hi.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || !ParseInt(lo, &a) || !ParseInt(hi, &b) || a > b || b - a > 100000) {
      *err = word + ": bad range '" + part + "'";
      return false;
    }
    size_t width = lo.size() > 1 && lo[0] == '0' ? lo.size() : 0;
    for (int64_t n = a; n <= b; ++n) {
      std::string s = std::to_string(n);
      if (s.size() < width) s.insert(0, width - s.size(), '0');
      out->push_back(s);
    }
  }
  return true;
}

// Splits a selection word at the commas outside brackets.
std::vector<std::string> SplitWord(const std::string& word) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : word) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

}  // namespace

bool ExpandHostRange(const std::string& word, std::vector<std::string>* out,
                     std::string* err) {
  std::vector<std::string> names = {""};
  size_t i = 0;
  while (i < word.size()) {
    size_t open = word.find('[', i);
    size_t close = word.find(']', i);
    if (open == std::string::npos) {
      if (close != std::string::npos) {
        *err = word + ": ']' without '['";
        return false;
      }
      for (std::string& n : names) n += word.substr(i);
      break;
    }
    close = word.find(']', open);
    if (close == std::string::npos || word.find('[', open + 1) < close) {
      *err = word + ": '[' without ']'";
      return false;
    }
    std::string literal = word.substr(i, open - i);
    std::vector<std::string> numbers;
    if (!ExpandBracket(word, word.substr(open + 1, close - open - 1), &numbers, err))
      return false;
    // Brackets multiply: "[0-99999][0-99999]" alone would be 10^10 names.
    if (names.size() * numbers.size() > kMaxRangeNames) {
      *err = word + ": expands to more than " + std::to_string(kMaxRangeNames) + " names";
      return false;
    }
    std::vector<std::string> next;
    next.reserve(names.size() * numbers.size());
    for (const std::string& n : names)
      for (const std::string& num : numbers) next.push_back(n + literal + num);
    names = std::move(next);
    i = close + 1;
  }
  if (names.size() == 1 && names[0].empty()) {
    *err = "empty host name";
    return false;
  }
  out->insert(out->end(), names.begin(), names.end());
  return true;
}

std::string FoldHostNames(const std::vector<std::string>& names) {
  // stem = the name with its last number replaced by '\0'.
  std::vector<std::string> stems;
  std::map<std::string, std::vector<std::string>> numbers;
  for (const std::string& name : names) {
    size_t end = name.find_last_of("0123456789");
    std::string stem = name, number;
    if (end != std::string::npos) {
      size_t start = name.find_last_not_of("0123456789", end);
      start = start == std::string::npos ? 0 : start + 1;
      number = name.substr(start, end + 1 - start);
      stem = name.substr(0, start) + '\0' + name.substr(end + 1);
    }
    auto [it, fresh] = numbers.try_emplace(stem);
    if (fresh) stems.push_back(stem);
    it->second.push_back(number);
  }
  std::vector<std::string> parts;
  for (const std::string& stem : stems) {
    std::vector<std::string>& nums = numbers[stem];
    size_t hole = stem.find('\0');
    if (hole == std::string::npos) {
      parts.push_back(stem);
      continue;
    }
    std::string head = stem.substr(0, hole), tail = stem.substr(hole + 1);
    // By value, then width: "01" and "1" are different hosts.
    std::sort(nums.begin(), nums.end(), [](const std::string& a, const std::string& b) {
      int64_t x = 0, y = 0;
      ParseInt(a, &x);
      ParseInt(b, &y);
      return x != y ? x < y : a.size() < b.size();
    });
    nums.erase(std::unique(nums.begin(), nums.end()), nums.end());
    if (nums.size() == 1) {
      parts.push_back(head + nums[0] + tail);
      continue;
    }
    std::vector<std::string> runs;
    for (size_t i = 0; i < nums.size();) {
      size_t j = i;
      auto value = [&](size_t k) {
        int64_t v = 0;
        ParseInt(nums[k], &v);
        return v;
      };
      while (j + 1 < nums.size() && value(j + 1) == value(j) + 1 &&
             nums[j + 1].size() == nums[i].size())
        ++j;
      runs.push_back(i == j ? nums[i] : nums[i] + "-" + nums[j]);
      i = j + 1;
    }
    parts.push_back(head + "[" + Join(runs, ",") + "]" + tail);
  }
  return Join(parts, ",");
}

bool IsSelectorWord(const std::string& word) {
  return word == "all" || word.find('[') != std::string::npos ||
         StartsWith(word, "appliance:") || StartsWith(word, "rack:");
}

bool MatchHosts(const std::vector<Host>& hosts,
                const std::vector<Appliance>& appliances,
                const std::vector<std::string>& selection,
                std::vector<Host>* out, std::string* err) {
  std::vector<std::string> words;
  for (const std::string& w : selection)
    for (const std::string& part : SplitWord(w))
      if (!Trim(part).empty()) words.push_back(Trim(part));
  if (words.empty()) {
    *err = "no hosts selected";
    return false;
  }
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < hosts.size(); ++i) by_name[ToLower(hosts[i].name)] = i;
  std::vector<bool> picked(hosts.size());
  for (const std::string& word : words) {
    size_t matched = 0;
    auto pick = [&](size_t i) {
      picked[i] = true;
      ++matched;
    };
    if (word == "all") {
      for (size_t i = 0; i < hosts.size(); ++i) pick(i);
    } else if (StartsWith(word, "appliance:")) {
      std::string name = word.substr(10);
      std::vector<std::string> known;
      bool exists = false;
      for (const Appliance& a : appliances) {
        known.push_back(a.name);
        exists = exists || a.name == name;
      }
      if (!exists) {
        *err = UnknownName(word, "appliance", name, known, {"'appliance:", "'"});
        return false;
      }
      for (size_t i = 0; i < hosts.size(); ++i)
        if (hosts[i].appliance == name) pick(i);
    } else if (StartsWith(word, "rack:")) {
      int64_t rack;
      if (!ParseInt(word.substr(5), &rack)) {
        *err = word + ": bad rack number";
        return false;
      }
      for (size_t i = 0; i < hosts.size(); ++i)
        if (hosts[i].rack == rack) pick(i);
    } else {
      std::vector<std::string> names;
      if (!ExpandHostRange(word, &names, err)) return false;
      for (const std::string& n : names) {
        auto it = by_name.find(ToLower(n));
        if (it != by_name.end()) pick(it->second);
      }
    }
    if (matched == 0 && word.find_first_of("[:") == std::string::npos && word != "all") {
      std::vector<std::string> known;
      for (const Host& h : hosts) known.push_back(h.name);
      *err = UnknownName(word, "host", known);
      return false;
    }
    if (matched == 0) {
      *err = word + ": no host matches";
      return false;
    }
  }
  out->clear();
  for (size_t i = 0; i < hosts.size(); ++i)
    if (picked[i]) out->push_back(hosts[i]);
  return true;
}

bool SelectHosts(Database* db, const std::vector<std::string>& selection,
                 std::vector<Host>* out, std::string* err) {
  std::vector<Host> hosts;
  std::vector<Appliance> appliances;
  return ListHosts(db, {}, &hosts, err) && ListAppliances(db, &appliances, err) &&
         MatchHosts(hosts, appliances, selection, out, err);
}

}  // namespace rocks
