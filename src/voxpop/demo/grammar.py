"""The fragments of the demo's text grammar (composed by `voxpop.demo.verbatims`): clauses, framing and
the catalogue and staff they mention, in English, Spanish and German.

Grammars are sections: a `[name]` line, then fragments, several to a line, split by " | ". Sections named
`<aspect>+` and `<aspect>-` hold clauses about an aspect; `{slot}`s are filled from the record's facts.
"""

# category | price | quality (shift of its star ratings) | English | Spanish | German
CATALOGUE = """
furniture | 649 | 0 | oak dining table | mesa de comedor de roble | Esstisch aus Eiche
furniture | 899 | 0 | three-seater sofa | sofá de tres plazas | Dreisitzer-Sofa
furniture | 329 | 0 | velvet armchair | sillón de terciopelo | Samtsessel
furniture | 189 | -0.8 | flat-pack bookcase | estantería desmontable | Bücherregal zum Aufbauen
furniture | 249 | 0 | bedside table set | juego de mesitas de noche | Nachttisch-Set
furniture | 129 | 0 | pair of bar stools | par de taburetes | Barhocker-Paar
furniture | 459 | 0 | storage bed frame | cama con almacenaje | Bettgestell mit Stauraum
furniture | 199 | 0 | standing desk | escritorio elevable | Stehschreibtisch
bedding | 89 | 0 | linen duvet cover | funda nórdica de lino | Leinen-Bettbezug
bedding | 59 | 0 | memory foam pillow | almohada viscoelástica | Memory-Schaum-Kissen
bedding | 399 | 0 | king-size mattress | colchón king size | Kingsize-Matratze
bedding | 49 | 0 | cotton sheet set | juego de sábanas de algodón | Baumwoll-Bettwäsche
bedding | 79 | 0 | wool throw | manta de lana | Wolldecke
kitchen | 139 | 0 | cast-iron casserole | cacerola de hierro fundido | Gusseisen-Bräter
kitchen | 99 | 0 | knife block set | juego de cuchillos | Messerblock
kitchen | 249 | -0.6 | espresso machine | cafetera espresso | Espressomaschine
kitchen | 69 | 0 | stoneware dinner set | vajilla de gres | Steingut-Geschirrset
kitchen | 45 | 0 | set of glass storage jars | juego de tarros de cristal | Vorratsgläser-Set
kitchen | 159 | 0 | stand mixer | batidora amasadora | Küchenmaschine
lighting | 119 | 0 | rattan pendant lamp | lámpara colgante de ratán | Rattan-Pendelleuchte
lighting | 79 | 0 | brass floor lamp | lámpara de pie de latón | Messing-Stehlampe
lighting | 39 | 0 | LED desk lamp | lámpara de escritorio LED | LED-Schreibtischlampe
bath | 35 | 0 | bamboo bath mat | alfombra de baño de bambú | Bambus-Badematte
bath | 59 | 0 | waffle towel set | juego de toallas de gofre | Waffelhandtuch-Set
bath | 149 | 0 | heated towel rail | toallero eléctrico | beheizter Handtuchhalter
decor | 99 | 0 | wool rug | alfombra de lana | Wollteppich
decor | 129 | 0 | oval wall mirror | espejo ovalado | ovaler Wandspiegel
decor | 29 | 0 | ceramic vase | jarrón de cerámica | Keramikvase
decor | 69 | 0 | pair of linen curtains | par de cortinas de lino | Leinenvorhänge
garden | 349 | 0 | teak garden bench | banco de jardín de teca | Gartenbank aus Teak
garden | 59 | 0 | set of solar lanterns | juego de farolillos solares | Solarlaternen-Set
garden | 89 | 0 | herb planter | jardinera para hierbas | Kräuterkasten
"""

STAFF = """
[agents]
Priya | Marcus | Aisha | Tom | Chen | Lucia | Dev | Hannah | Omar | Grace | Mateo | Sofia | Jonas | Leila
Sam | Nadia | Kwame | Ingrid | Rosa | Theo
[drivers]
Dave | Kofi | Ana | Steve | Raj | Mike | Lena | Jorge | Paul | Tariq | Ewa | Ben
"""

ENGLISH = """
[delivery+]
my {product} arrived a day earlier than promised | delivery took just {days} days, exactly as promised
the {product} was here on {weekday}, right when they said | tracking was spot on and it came in {days} days
got the {product} in {days} days, faster than anywhere else I've tried | super fast delivery, {days} days
they texted updates the whole way and it arrived on time | arrived on {weekday} with no chasing needed
the delivery slot was honoured to the minute | the {product} turned up on {weekday} morning as booked
delivery was quicker than I expected for a {product} | ordered on Sunday night, had the {product} by {weekday}
[delivery-]
my {product} arrived {late_days} days late | delivery was promised in {promised} days and took {took}
the {product} turned up {late_days} days after the date they gave me | delivery was slow, {took} days in all
I waited {took} days for a {product} that was supposed to take {promised} | late again, by {late_days} days
took a day off work on {weekday} and nobody came | tracking said out for delivery for {late_days} days
the delivery window came and went twice before the {product} showed up | {took} days to deliver a {product}
the {product} was meant to be here for the weekend and came {late_days} days later | painfully slow delivery
they missed the {weekday} slot and only rebooked it {late_days} days later | delivery took forever this time
the {product} came {late_days} days late with no explanation | slow delivery, {took} days for a {product}
[overdue-]
my {product} was due on {weekday} and still hasn't arrived | order {order} is late and nobody can say when
the tracking hasn't moved since {weekday} | I'm still waiting for my {product}, it's well past the due date
the {product} should have been here {promised} days after I ordered, still nothing | my delivery is late
the delivery date for order {order} keeps slipping | where is my {product}? It was due {weekday}
[courier+]
the driver, {driver}, carried the {product} all the way upstairs | {driver} the driver was lovely
the delivery crew were really careful with the {product} | everything came well packed without a scratch
{driver} rang ahead to say he'd be there in {minutes} minutes | the courier put the {product} where I asked
the two-person crew were friendly and quick | {driver} even took all the packaging away
the driver was lovely | the box was in perfect condition when {driver} dropped it off
[courier-]
the box was dented and the {product} had a crack in it | the driver left my {product} out in the rain
the courier wouldn't carry the {product} past the front door | the parcel was thrown over the fence
the driver marked it as delivered while I was at home waiting | the {product} arrived scratched
the driver was rude when I asked him to bring it upstairs | half the order was missing when the van left
the packaging was torn open and the {product} was chipped | they left the {product} with a neighbour
[price+]
prices are fair for the quality | paid {price} for the {product}, which is a bargain
the {plan} membership pays for itself with the free delivery | cheaper than the high street for {category}
the sale prices were genuine, I saved about {saving} on the {product} | good value, especially the {category}
the {product} at {price} is half what I'd pay elsewhere | you get a lot for your money
[price-]
it's too expensive for what it is | prices have crept up, the {product} is {saving} more than last year
hidden delivery charges at checkout, {delivery_fee} on a {product} | {price} for the {product} is steep
the {category} range has got really pricey | the promo codes never seem to work on anything I want
[price_rise-]
the {plan} plan went from {fee_old} to {fee_new} a month with no real notice | the new {plan} fee is too much
{fee_new} a month for {plan}? I'm seriously thinking of cancelling | the price rise on {plan} is a joke
you put the {plan} membership up by {fee_diff} and nothing got better | {fee_new} a month is not basic pricing
I'm paying {fee_new} a month now and the delivery is no better | the {plan} fee went up {fee_diff} overnight
the membership price hike feels like a cash grab | {fee_old} was fair, {fee_new} is not
[app+]
the app is really easy to use, the {feature} especially | I love the {feature} in the app
the app makes reordering so simple | ordering the {product} through the app took two minutes
app notifications told me exactly when the {product} would arrive | the new app update is much faster
the {feature} in the app is brilliant | the app just works
[app-]
the app crashed {times} at checkout | the app keeps logging me out
the {feature} in the app never loads | the app has been slow and clunky since the last update
I couldn't apply my discount code in the app | the app said the {product} was in stock, then cancelled it
the app's {feature} shows the wrong delivery date | I can't find my order history anywhere in the app
[support+]
{agent} on the phone sorted it in minutes | {agent} in customer service was brilliant
the support team replied within {hours} hours and fixed it | {agent} from support went above and beyond
customer service refunded me straight away without any fuss | {agent} on chat was patient and understood it
the support people were friendly and knew their stuff | {agent} called me back the same day as promised
[support-]
{agent} from support just read from a script | customer service couldn't tell me anything useful
support promised a call back that never came | the agent on chat kept pasting the same answer
customer service closed my ticket without fixing anything | nobody in support seems to talk to the warehouse
{agent} was polite but had no power to actually fix it | I got a different answer from every agent
[waiting+]
I got through to someone in under {minutes} minutes | one call and it was sorted
they answered my email within {hours} hours | there was no queue on the chat at all
I didn't have to chase once | sorted on the first contact, which is rare these days
[waiting-]
I had to call {times} before anyone sorted it | I had to chase them {times} to get an answer
I was on hold for {minutes} minutes | it took {hours} hours to get a reply to my email
I contacted support {times} and had to explain it all again every time | nobody answered for {wait_days} days
the chat queue said {queue} people ahead of me | my ticket sat unanswered for {wait_days} days
I called {times} and got cut off once | I kept getting passed around between departments
I've now had to call {times} about the same problem | {times} on the phone and still no fix
this is the {nth} time I've written about this | I've explained this {times} already
[quality+]
the {product} feels really solid | the {product} looks even better than in the photos
the {product} is beautifully made | great quality, the {product} still looks new after months
the {product} is exactly as described | the finish on the {product} is lovely
the {product} went together in about {minutes} minutes | you can tell the {product} is built to last
[quality-]
the {product} fell apart after {weeks} weeks | the {product} looks nothing like the picture
the {product} is flimsy for the price | the colour of the {product} is nothing like the website
one of the fittings for the {product} was missing | the {product} started wobbling within a week
the {product} smelt of chemicals for days | the {product} came with a stain on it
[returns+]
returning the {product} was painless | the refund for the {product} came through in {days} days
free returns, and they collected from my door | I swapped the {product} with no questions asked
[returns-]
still waiting for my refund on the {product} after {weeks} weeks | the return label never arrived
they charged me {delivery_fee} to send back a faulty {product} | I booked a return collection twice, no show
the returns process is a maze | the refund for the {product} was short by {saving}
[website+]
the website is easy to browse | checkout took less than a minute
the filters on the site made finding the right {category} easy | great photos and honest reviews on the site
[website-]
the website kept emptying my basket | checkout failed {times} before the payment went through
the site search couldn't find the {product} by name | the site showed the {product} in stock when it wasn't
I had to reset my password {times} just to log in | the discount code wouldn't work at checkout
[open+]
Really happy. | Very pleased! | Top marks. | Couldn't fault it. | Lovely experience from start to finish.
Third order with Northwind Home and still impressed. | What a nice surprise. | Brilliant, honestly.
Five stars from me. | So glad I gave you a try. | Great stuff. | Can't complain at all.
[open~]
Mixed feelings. | Not bad overall. | It was fine, mostly. | Some good, some bad. | Okay experience.
Hit and miss this time. | Could have been better. | Pretty average, to be honest. | Decent, with a catch.
[open-]
Very disappointed. | Not happy at all. | Terrible experience. | Honestly, never again. | Where do I start?
Really let down this time. | Fed up. | What a mess. | I expected better. | Shocking. | Not good enough.
[close+]
Will definitely order again. | Thanks, Northwind! | Already recommended you to my sister.
Keep it up. | Would recommend. | Great job, team. | Can't wait for my next order. | Thank you!
[close~]
Would order again, but not in a hurry. | Room for improvement. | Fix that and you'd get a 10.
Might order again. | Not sure yet whether I'll stay. | Hope it's better next time.
[close-]
Won't be ordering again. | Sort it out. | Looking elsewhere from now on. | Very poor.
I've told my friends to avoid you. | Thinking about cancelling my membership. | Please fix this.
[and]
, and | . Also, | ; | . On top of that, | . Plus,
[but]
, but | . That said, | , although | . On the other hand, | . Still, | , though
[end+]
. | ! | . | .
[end-]
. | . | ! | ...
[bought]
Bought the {product} last month. | Ordered the {product} for our new flat. | Got the {product} for my mum.
Picked the {product} after reading the reviews. | Second {product} I've bought from you.
[order_ref]
Order {order}: | Re order {order} - | About my order {order}.
[greet]
Hi, | Hello, | Hi there, | Dear Northwind Home, | Hello team, | Good morning, | To whom it may concern,
[ask]
Can someone please look into this? | Please let me know what's going on. | Can you call me back?
What are you going to do about it? | Please advise. | Can you confirm when this will be sorted?
I want this escalated. | Could you check and get back to me? | I'd appreciate a quick answer.
[sign]
Thanks, | Regards, | Cheers, | Many thanks, | Best, | Kind regards,
[customer]
Customer
[chat_hello]
Hi, you're chatting with {agent}. How can I help today? | Hello! {agent} here, what can I do for you?
Hi there, thanks for waiting. How can I help?
[call_hello]
Thank you for calling Northwind Home, this is {agent}, how can I help? | Northwind Home, {agent} speaking.
Hi, you're through to {agent} at Northwind Home.
[reply+]
I'm sorry about that, it's sorted and you'll get an email shortly. | Let me fix that for you now... done.
Thanks for your patience, that's all sorted. | I've put that right and added a {saving} voucher.
[reply~]
I've logged it and someone will get back to you within {hours} hours. | I'll pass this on to the team.
Let me check with the right team and call you back.
[reply-]
I'm afraid there's nothing more I can do today. | I can only see what you can see, sorry.
That's our policy, I'm afraid. | You'll need to email a different team for that.
[bye+]
Brilliant, thank you so much. | Perfect, thanks for your help. | Great, that's sorted then. Bye.
[bye~]
Okay, thanks. | Fine, I'll wait to hear then. | Right. Bye.
[bye-]
This is ridiculous. | Forget it. | Unbelievable. Goodbye. | So nothing then. Great.
[hashtag+]
#happycustomer | #NorthwindHome | #homedecor | #newhome | 😍 | 👌 | #interiors
[hashtag~]
#meh | #NorthwindHome | 🤷
[hashtag-]
#fail | #customerservice | #neveragain | #NorthwindHome | 😡 | #stillwaiting | 🙄
[times]
twice | three times | four times | five times
[nth]
second | third | fourth | fifth
[weekday]
Monday | Tuesday | Wednesday | Thursday | Friday | Saturday
[feature]
order tracking | wishlist | room planner | barcode scanner | checkout | search | saved baskets
[title+]
Love it | Great buy | Really pleased | Exactly what we wanted | Brilliant service | Would buy again | Spot on
[title~]
Okay, not great | Mixed bag | Good but not perfect | Decent | Average experience
[title-]
Very disappointed | Avoid | Not as described | Poor experience | Never again | Let down
[subject]
Problem with my order | Complaint | Question about my account | Please help
[title:delivery+]
Fast delivery | Arrived early | Quick and easy
[title:delivery-]
Arrived late | Late delivery | {late_days} days late | Slow delivery
[title:overdue-]
Where is my order {order}? | Still waiting for my {product} | Late order {order}
[title:courier-]
Arrived damaged | Damaged {product} | Careless courier
[title:quality+]
Beautiful {product} | Lovely quality | Solid and well made
[title:quality-]
Faulty {product} | Poor quality | Broke after {weeks} weeks
[title:price-]
Too expensive | Overpriced | Hidden charges
[title:price_rise-]
Price rise on the {plan} plan | Membership fee up to {fee_new} | Why is {plan} now {fee_new}?
[title:app-]
App keeps crashing | Can't use the app | App problem
[title:returns-]
Refund request | Return not collected | Where is my refund?
[title:waiting-]
Still no answer | Third time asking | Nobody gets back to me
[title:website-]
Checkout problem | Can't log in | Website error
"""

SPANISH = """
[delivery+]
mi pedido ({product}) llegó en solo {days} días | la entrega fue puntual, el {weekday} como prometieron
llegó antes de lo previsto | el seguimiento fue perfecto y llegó en {days} días
[delivery-]
mi pedido ({product}) llegó con {late_days} días de retraso | prometieron {promised} días y tardó {took}
el {weekday} me quedé en casa esperando y no vino nadie | el seguimiento no se actualizó en {late_days} días
[overdue-]
mi pedido ({product}) tenía que llegar el {weekday} y sigue sin llegar | el pedido {order} va con retraso
el seguimiento no se mueve desde el {weekday}
[courier+]
el repartidor, {driver}, fue muy amable | todo llegó bien embalado | me subieron el pedido ({product}) a casa
[courier-]
la caja llegó abollada y el pedido ({product}) roto | dejaron el paquete bajo la lluvia
el repartidor fue muy borde
[price+]
los precios son justos para la calidad | pagué {price} por mi pedido ({product}) y es una ganga
el plan {plan} sale a cuenta
[price-]
es demasiado caro para lo que es | los precios no paran de subir
me cobraron {delivery_fee} de envío sin avisar
[price_rise-]
el plan {plan} ha subido de {fee_old} a {fee_new} al mes sin apenas aviso | {fee_new} al mes es un abuso
subir la cuota {fee_diff} y no mejorar nada no tiene sentido
[app+]
la aplicación es muy fácil de usar | me encanta el {feature} de la app | la app funciona de maravilla
[app-]
la app se cuelga al pagar | la app me cierra la sesión cada dos por tres | el {feature} de la app no carga
[support+]
{agent} lo resolvió en unos minutos | {agent}, de atención al cliente, fue un encanto
me respondieron en {hours} horas y lo arreglaron
[support-]
el servicio al cliente no sirve de nada | prometieron llamarme y nunca llamaron
{agent} fue amable pero no pudo hacer nada
[waiting+]
me atendieron a la primera | contestaron en menos de {minutes} minutos | no tuve que insistir
[waiting-]
tuve que llamar {times} para que lo arreglaran | estuve {minutes} minutos en espera
escribí {times} y nadie contestó | mi consulta estuvo {wait_days} días sin respuesta
[quality+]
mi pedido ({product}) tiene una calidad estupenda | es aún más bonito que en las fotos | está muy bien hecho
[quality-]
mi pedido ({product}) se rompió a las {weeks} semanas | no se parece nada a la foto
la calidad es muy pobre para el precio
[returns+]
la devolución fue facilísima | el reembolso llegó en {days} días
[returns-]
sigo esperando el reembolso después de {weeks} semanas | nunca llegó la etiqueta de devolución
[website+]
la web es muy cómoda | el pago se hace en un minuto
[website-]
la web me vacía el carrito | el pago falló {times} | el buscador de la web no encuentra nada
[open+]
¡Muy contenta! | Todo perfecto. | Estoy encantado. | Una experiencia estupenda.
[open~]
Regular. | Bien, pero mejorable. | Ni bien ni mal.
[open-]
Muy decepcionado. | Fatal. | Nunca más. | Qué desastre.
[close+]
Volveré a comprar. | ¡Gracias, Northwind! | Lo recomiendo. | Seguiré comprando aquí.
[close~]
Puede mejorar. | Ya veremos la próxima vez. | A ver si lo arreglan.
[close-]
No vuelvo a comprar. | Pienso darme de baja. | Arréglenlo, por favor. | Muy mal servicio.
[and]
, y | . Además, | ;
[but]
, pero | . Eso sí, | , aunque | . Por otro lado,
[end+]
. | . | !
[end-]
. | . | ...
[bought]
Hice un pedido ({product}) hace un mes. | Es mi segundo pedido en Northwind Home.
[order_ref]
Pedido {order}: | Sobre mi pedido {order}:
[greet]
Hola: | Buenos días: | Hola, equipo:
[ask]
¿Pueden revisarlo, por favor? | Quiero una solución o el reembolso. | Por favor, llámenme.
Espero su respuesta.
[sign]
Gracias, | Saludos, | Un saludo,
[customer]
Cliente
[chat_hello]
Hola, soy {agent}. ¿En qué puedo ayudarle? | ¡Hola! Le atiende {agent}, dígame.
[call_hello]
Gracias por llamar a Northwind Home, le atiende {agent}. | Atención al cliente de Northwind Home, soy {agent}.
[reply+]
Lo siento mucho, ya está solucionado. | Le he devuelto los {delivery_fee} del envío.
[reply~]
Lo he anotado y le contestaremos en {hours} horas. | Lo consulto con el almacén y le llamo.
[reply-]
Lo siento, hoy no puedo hacer nada más. | Es nuestra política, lo siento.
[bye+]
Perfecto, muchas gracias. | Genial, gracias por la ayuda.
[bye~]
Vale, gracias. | Bueno, pues espero.
[bye-]
Increíble. Adiós. | Pues nada. | Esto es una vergüenza.
[hashtag+]
#encantada | #NorthwindHome | 😍
[hashtag~]
#NorthwindHome | 🤷
[hashtag-]
#nuncamás | #NorthwindHome | 😡
[times]
dos veces | tres veces | cuatro veces | cinco veces
[weekday]
lunes | martes | miércoles | jueves | viernes | sábado
[feature]
seguimiento del pedido | buscador | carrito | planificador de espacios
[title+]
Me encanta | Muy buena compra | Todo perfecto
[title~]
Regular | Bien, pero mejorable
[title-]
Muy decepcionado | No lo recomiendo | Fatal
[subject]
Problema con mi pedido | Reclamación | Consulta sobre mi cuenta
"""

GERMAN = """
[delivery+]
meine Bestellung ({product}) war nach nur {days} Tagen da | die Lieferung kam pünktlich am {weekday}
alles kam früher als angekündigt | die Sendungsverfolgung stimmte genau
[delivery-]
meine Bestellung ({product}) kam {late_days} Tage zu spät
versprochen waren {promised} Tage, es wurden {took}
am {weekday} habe ich umsonst zu Hause gewartet | die Sendungsverfolgung stand {late_days} Tage still
[overdue-]
meine Bestellung ({product}) sollte am {weekday} kommen und ist immer noch nicht da
die Bestellung {order} ist überfällig | die Sendungsverfolgung bewegt sich seit {weekday} nicht
[courier+]
der Fahrer, {driver}, war sehr freundlich | alles war gut verpackt
die Lieferung wurde bis in die Wohnung getragen
[courier-]
der Karton war eingedrückt und meine Bestellung ({product}) beschädigt | das Paket stand im Regen vor der Tür
der Fahrer war unhöflich
[price+]
die Preise sind fair für die Qualität | {price} für meine Bestellung ({product}) ist ein guter Preis
der {plan}-Tarif lohnt sich
[price-]
viel zu teuer für das, was man bekommt | die Preise steigen ständig
an der Kasse kamen plötzlich {delivery_fee} Versand dazu
[price_rise-]
der {plan}-Tarif ist ohne richtige Ankündigung von {fee_old} auf {fee_new} im Monat gestiegen
{fee_new} im Monat für {plan} ist eine Frechheit | {fee_diff} mehr im Monat und nichts wird besser
[app+]
die App ist super einfach | die {feature} in der App ist klasse | die App läuft einwandfrei
[app-]
die App stürzt beim Bezahlen ab | die App meldet mich ständig ab | die {feature} in der App lädt nicht
[support+]
{agent} hat das in ein paar Minuten gelöst | {agent} vom Kundenservice war super hilfsbereit
nach {hours} Stunden kam eine Antwort und alles war geklärt
[support-]
der Kundenservice ist nutzlos | der versprochene Rückruf kam nie | {agent} war nett, konnte aber nichts tun
[waiting+]
beim ersten Anruf war alles geklärt | in unter {minutes} Minuten hatte ich jemanden dran
ich musste kein einziges Mal nachhaken
[waiting-]
ich musste {times} anrufen, bis sich jemand gekümmert hat | ich hing {minutes} Minuten in der Warteschleife
ich habe {times} geschrieben und keine Antwort bekommen | mein Ticket lag {wait_days} Tage unbeantwortet herum
[quality+]
meine Bestellung ({product}) ist richtig hochwertig | sieht noch besser aus als auf den Fotos
sehr gut verarbeitet
[quality-]
meine Bestellung ({product}) ist nach {weeks} Wochen kaputtgegangen | sieht ganz anders aus als auf dem Bild
die Qualität ist für den Preis schwach
[returns+]
die Rücksendung war ganz einfach | das Geld war nach {days} Tagen zurück
[returns-]
ich warte seit {weeks} Wochen auf meine Erstattung | das Rücksendeetikett kam nie an
[website+]
die Website ist übersichtlich | die Bestellung war in einer Minute erledigt
[website-]
die Website leert ständig meinen Warenkorb | die Zahlung ist {times} fehlgeschlagen
die Suche auf der Website findet nichts
[open+]
Sehr zufrieden! | Alles top. | Super Erfahrung. | Gerne wieder.
[open~]
Gemischte Gefühle. | Ganz okay. | Geht so.
[open-]
Sehr enttäuscht. | Katastrophe. | Nie wieder. | Ärgerlich.
[close+]
Ich bestelle gerne wieder. | Danke, Northwind! | Klare Empfehlung. | Weiter so.
[close~]
Da ist noch Luft nach oben. | Mal sehen, ob ich bleibe. | Hoffentlich klappt es nächstes Mal besser.
[close-]
Ich bestelle hier nicht mehr. | Ich überlege zu kündigen. | Bitte dringend verbessern. | Schwach.
[and]
, und | . Und | ; | . Dazu:
[but]
, aber | , doch | . Immerhin: | . Andererseits:
[end+]
. | . | !
[end-]
. | . | !
[bought]
Bestellt habe ich: {product}. | Das ist meine zweite Bestellung bei Northwind Home.
[order_ref]
Bestellung {order}: | Betreff Bestellung {order}:
[greet]
Hallo, | Guten Tag, | Hallo Team,
[ask]
Können Sie das bitte prüfen? | Ich möchte eine Lösung oder mein Geld zurück. | Bitte rufen Sie mich zurück.
Ich warte auf Ihre Antwort.
[sign]
Danke, | Viele Grüße, | Mit freundlichen Grüßen,
[customer]
Kunde
[chat_hello]
Hallo, hier ist {agent}. Wie kann ich helfen? | Hi, {agent} hier. Was kann ich für Sie tun?
[call_hello]
Danke für Ihren Anruf bei Northwind Home, mein Name ist {agent}. | Northwind Home Kundenservice, {agent} hier.
[reply+]
Tut mir leid, das ist jetzt erledigt. | Ich habe Ihnen die {delivery_fee} Versand erstattet.
[reply~]
Ich habe es notiert, Sie hören in {hours} Stunden von uns. | Ich frage im Lager nach und rufe zurück.
[reply-]
Leider kann ich heute nichts mehr tun. | Das sind unsere Richtlinien, tut mir leid.
[bye+]
Super, vielen Dank. | Perfekt, danke für die Hilfe.
[bye~]
Okay, danke. | Gut, dann warte ich.
[bye-]
Unglaublich. Tschüss. | Na toll. | Das ist eine Frechheit.
[hashtag+]
#zufrieden | #NorthwindHome | 😍
[hashtag~]
#NorthwindHome | 🤷
[hashtag-]
#niewieder | #NorthwindHome | 😡
[times]
zweimal | dreimal | viermal | fünfmal
[weekday]
Montag | Dienstag | Mittwoch | Donnerstag | Freitag | Samstag
[feature]
Sendungsverfolgung | Merkliste | Suche | Kasse | Raumplanung
[title+]
Top | Sehr gut | Gerne wieder
[title~]
Ganz okay | Geht so
[title-]
Enttäuschend | Nicht zu empfehlen | Mangelhaft
[subject]
Problem mit meiner Bestellung | Reklamation | Frage zu meinem Konto
"""

# Requests customers make (English only), one section per planted request: the ideas page should show
# each as one request (docs/demo.md, "Customer requests"). Every variant is a suggestion to the detector.
REQUESTS = """
[time_slots]
Please let us choose a delivery time slot. | It would be great if I could pick a delivery time slot. \
| Why not offer delivery time slots in the evening? | There should be a way to choose a delivery time slot.
[assembly]
Please offer furniture assembly with delivery. | It would be great if you offered an assembly service for furniture. \
| Why not offer to assemble the furniture when you deliver it? | You should offer a furniture assembly service.
[pause_membership]
Please let members pause the membership for a month or two. | It would be nice to be able to pause my membership. \
| Why not let us pause the membership over the summer? | There should be an option to pause the membership.
[paypal]
Please add PayPal at checkout. | Any chance of adding PayPal as a payment option? \
| It would be great if you added PayPal at checkout. | Why don't you offer PayPal at checkout?
[old_item_removal]
Please offer to take away the old mattress when you deliver the new one. \
| It would be great if the drivers took away the old sofa when delivering the new one. \
| You should offer to take away old furniture when delivering new furniture.
[dark_mode]
Please add a dark mode to the app. | It would be nice if the app had a dark mode. | Any chance of adding a dark mode to the app?
"""
