#include "text/word_list.h"

namespace lmbench::text {

namespace {

// Space-separated; order matters (see the header).
constexpr std::string_view kWords =
    "the of and to in is that for it as was with be by on not he this are or his from at which but have an they "
    "you were her she there been one all we their has would when if so no what up out who them some into more "
    "time only other new could these two may then first any like now my such our over man me even most made after "
    "also did many before must through back years where much your way well down should because each just those "
    "people how too little state good very make world still own see men work long get here between both life being "
    "under never day same another know while last might us great old year off come since against go came right "
    "used take three place himself around however home small found thought went say part once general high upon "
    "school every during without again hand few among course house public water system order open group need set "
    "form war number fact point end case early light city sense program service head interest church table level "
    "power family night room field given best matter face body possible large kind money business party line art "
    "question book study development name value today story plan music market area change report reason child word "
    "moment period view mind country sound friend force letter road nature heart problem process voice history "
    "answer team picture river paper garden window morning evening summer winter spring autumn mountain ocean "
    "forest island valley desert village station harbor bridge castle tower palace temple market kitchen library "
    "museum theater office factory hospital college student teacher doctor writer painter farmer sailor soldier "
    "driver player singer leader member author artist reader worker stranger neighbor brother sister mother father "
    "daughter husband wife king queen prince captain officer judge lawyer engineer scientist student horse bird fish "
    "dog cat tree flower grass stone rock sand snow rain wind storm cloud sun moon star sky fire ice gold silver iron "
    "glass wood paper cotton silk bread milk cheese butter apple orange lemon sugar salt coffee tea wine dinner lunch "
    "breakfast meal table chair door wall floor roof garden street corner path journey travel trip ship boat train "
    "car plane wheel engine machine tool knife clock watch phone camera letter message signal record map list page "
    "chapter lesson rule law right duty freedom peace truth beauty justice honor courage wisdom memory dream hope "
    "fear anger joy sorrow pride shame silence noise music song dance game sport race match prize gift price cost "
    "trade bank coin card ticket account budget profit income bright dark warm cold quiet loud soft hard heavy light "
    "quick slow young ancient modern simple clear strong weak rich poor happy sad calm wild gentle brave clever "
    "honest proud kind strange famous common rare empty full narrow wide deep shallow sharp smooth rough clean "
    "fresh sweet bitter green blue red yellow white black brown gray purple golden silent careful patient curious "
    "ready certain able free true real whole main final local natural social human private single similar various "
    "different important available likely special recent entire major central national political economic "
    "walk run jump climb swim fly sing speak listen write read learn teach build break carry hold keep give send "
    "bring follow lead meet join leave return arrive begin finish start stop wait watch look find lose win choose "
    "decide believe remember forget understand explain describe discover create design produce offer accept allow "
    "agree answer ask call help move play pay show try turn use live grow fall rise stand sit sleep wake eat drink "
    "cook wash paint draw plant gather share save spend count measure compare improve change hide seek wander "
    "travel visit explore observe notice imagine wonder consider prepare protect support belong depend appear "
    "remain become seem feel hear smell touch taste laugh smile cry shout whisper sigh nod wave knock open close "
    "fill pour mix cut fold tie pull push throw catch kick lift drop shake bend press slide spin roll float sink "
    "burn melt freeze shine glow fade quickly slowly quietly softly gently carefully easily happily suddenly "
    "finally nearly almost always often sometimes rarely seldom usually already soon later perhaps maybe indeed "
    "certainly surely probably together alone away ahead behind above below inside outside across along beside "
    "beyond toward within without until although unless whether though yet nor either neither both each every "
    "several enough rather quite really truly simply deeply highly widely fully";

}  // namespace

const std::vector<std::string_view>& english_words() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> out;
    std::vector<std::string_view> seen;
    std::size_t start = 0;
    while (start < kWords.size()) {
      std::size_t end = kWords.find(' ', start);
      if (end == std::string_view::npos) end = kWords.size();
      const std::string_view w = kWords.substr(start, end - start);
      bool dup = false;
      for (const auto s : out) dup = dup || s == w;
      if (!w.empty() && !dup) out.push_back(w);
      start = end + 1;
    }
    return out;
  }();
  return words;
}

}  // namespace lmbench::text
