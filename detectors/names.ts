/**
 * Curated first-name lists for person-name detection, kept in the repository (no package ships
 * lists of a suitable licence and size: the ones on npm are US-only census dumps of several MB).
 * Each list holds common given names of people living in the Netherlands, Belgium, Germany,
 * France and the UK, including the most common names of Dutch people of Turkish and Moroccan
 * descent (CBS/Meertens name frequencies give the order of magnitude; the lists are hand-picked,
 * lower-case, accents kept). A name that is also a common word in one of our languages
 * (`Will`, `Mark`…) is still listed: the detector needs a capitalised surname after it.
 */

const NL = `adam adriaan aafke aart albert alexander amber amy anna anne annemarie anouk arie arjan bart bas bastiaan bram bregje carla
caroline cees chantal charlotte chris claudia corrie cornelis daan danny dennis dick dirk donna eline elise ellen els emma erik esther eva evert femke fenna
fleur floor frank frans freek gerard gerrit gert geert gijs hanna hanneke hans harm hendrik henk herman hilde ilse ingrid iris jaap jacob jan janneke jasper
jeroen jesse joost joris jos josje julia jurre karin kees klaas koen lars laura lieke lisa lotte luuk maarten manon marco marieke marijke mark marloes martijn
mees merel michiel milan mirjam monique naomi nienke niels noa noah nina pieter priscilla puck quinten remco renske rik rob robin roel roos ruben rutger sander
sanne saskia sem sjoerd sophie stefan stijn suzanne teun thijs thomas tim tom wendy willem wim wouter yvonne zoë bert ria truus sietske ruud rianne marjolein
marjan jolanda joke ineke gerda freya finn jens lucas levi liam sven tess yara sara sarah lynn evi isa jet wessel`;

const EN = `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark donald steven paul andrew joshua
kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
gregory alexander frank patrick raymond jack dennis dan jerry tyler aaron henry peter oliver harry charlie alfie oscar archie leo mary patricia jennifer linda
elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn
janet catherine maria heather diane ruth julie olivia joyce victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha
gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa
diana natalie brittany charlotte marie kayla alexis lori amelia isla ava mia poppy freya lily jessica chloe`;

const DE = `alexander andreas anna anja birgit brigitte christian christina claudia daniel dieter dirk elke erika felix florian frank franz gabriele
gerhard günter hans heike heinz helga helmut ingrid jan jana jens jörg jürgen julia karin karl katharina klaus kurt lena leon lukas manfred maria marie
markus martin matthias max maximilian michael monika nicole niklas paul petra ralf renate sabine sandra sebastian silke simone stefan stefanie susanne
thomas tobias torsten ulrich ursula uwe werner wolfgang sophie emilia hannah mia finn ben jonas elias noah luis lara lea johanna marlene greta fritz`;

const FR = `adrien alain alexandre alice amélie anne antoine arthur aurélie benoît bernard brigitte camille caroline catherine cédric céline charles
chloé christian christine christophe claire claude clément daniel david delphine denis didier dominique élise élodie emma émilie éric étienne fabien
florence françois françoise frédéric gabriel guillaume hélène hugo inès isabelle jacques jean jeanne jérôme julie julien laetitia laurent léa léo louis
louise lucas lucie manon marc marie marine martine mathieu maxime michel monique nathalie nicolas olivier pascal patrick philippe pierre raphaël rémi
romain sandrine sébastien sophie stéphane sylvie théo thierry thomas valérie vincent virginie yves zoé jules margaux anaïs mathilde baptiste`;

/** Common given names of Dutch people of Turkish descent. */
const TR = `ahmet ayşe ayse emre elif mehmet mustafa murat fatma zeynep yusuf kemal hakan serkan burak can cem deniz ebru esra fatih gökhan hasan
hatice hüseyin ibrahim ismail kaan kübra leyla melike merve meryem metin necla nuray orhan özlem ozlem selin serpil sibel tolga tuğba tugba ümit umut
volkan yasemin yavuz yıldız yilmaz zehra ali ayhan berk berkay cansu derya dilek eren erkan gül gulsen halil irem kerem mert nur okan recep sevgi songül`;

/** Common given names of Dutch people of Moroccan descent. */
const MA = `mohamed mohammed mohammad ahmed abdel abdelkader abdellah abdelhak abdelaziz abdessamad achraf adil anas anouar ayoub aziz bilal brahim
driss fatima fatiha hafsa hamza hanan hassan hicham houda ikram ilham imane jamal karim khadija latifa layla loubna malika marouane meriem mimoun
mina mohamed nabil nadia naima najib nordin noura omar othman rachid redouane saida salma samira sana soufiane souad yassine youssef zakaria zineb
zoubida khalid mustapha najat nora said hind ilias imran`;

import { ROMANCE_FIRST_NAMES } from './names-romance.js';

const split = (s: string) => s.split(/\s+/).filter(Boolean);

/** Every listed given name, lower-case. */
export const FIRST_NAMES: ReadonlySet<string> = new Set([...[NL, EN, DE, FR, TR, MA].flatMap(split), ...ROMANCE_FIRST_NAMES]);

/** Words that, capitalised after a given name, are not a surname: months, days, street and place words, titles. */
export const NOT_SURNAMES: ReadonlySet<string> = new Set(
  split(`januari februari maart april mei juni juli augustus september oktober november december january february march may june july
august october monday tuesday wednesday thursday friday saturday sunday maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
straat laan weg plein street road avenue lane the and of de het een en van voor met bij in op is was wordt the dear beste geachte hallo
hi hello dhr mevr mw mr mrs ms miss dr drs ir herr frau mme mlle monsieur madame heer mevrouw meneer b.v. bv nv gmbh ltd inc sa ag holding group groep bank kerk school university universiteit hospital ziekenhuis station centrum
noord zuid oost west north south east west city stad`),
);

/** Dutch, German and French surname particles, longest first so `van der` wins over `van`. */
export const PARTICLES = [
  "van 't",
  'van der',
  'van den',
  'van de',
  'van het',
  'in het',
  "in 't",
  'op de',
  'uit den',
  'von der',
  'von',
  'van',
  'de',
  'der',
  'den',
  'ten',
  'ter',
  'te',
  'del',
  'di',
  'da',
  'du',
  'le',
  'la',
  'el',
] as const;
